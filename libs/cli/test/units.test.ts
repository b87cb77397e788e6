// Pure parts of the CLI, in process: names, serials, dates, run(). The catalogue is checked against the README by test/errors/catalogues.test.ts.
import t from 'tap';
import { buildName, formatName } from '@lienthong/pki';
import { CliError, parseDistinguishedName, run, type CliIo } from '../src/index.ts';
import { parseIsoDate } from '../src/args.ts';
import { parseRevocation, parseSerial } from '../src/inputs/revocations.ts';
import { formatPdfReport } from '../src/output/pdf-report.ts';
import type { PdfVerificationReport } from '@lienthong/pades';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const codeOf = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof CliError ? e.code : 'not a CliError';
  }
  return undefined;
};

void t.test('distinguished names: RFC 4514 (least significant first) and OpenSSL slash form', async (t) => {
  const a = buildName(parseDistinguishedName('CN=Văn phòng Tỉnh ủy,O=Tỉnh ủy Hà Nội,C=VN'));
  const b = buildName(parseDistinguishedName('/C=VN/O=Tỉnh ủy Hà Nội/CN=Văn phòng Tỉnh ủy'));
  t.equal(formatName(a), 'C=VN, O=Tỉnh ủy Hà Nội, CN=Văn phòng Tỉnh ủy');
  t.equal(a.key, b.key);
  t.equal(
    formatName(buildName(parseDistinguishedName('CN=Sở\\, Ban\\2C Ngành,o=X'))),
    'O=X, CN=Sở, Ban, Ngành',
    'escapes and lower-case types',
  );
  t.equal(
    codeOf(() => parseDistinguishedName('CN=a+OU=b')),
    'BAD_NAME',
  );
  t.equal(
    codeOf(() => parseDistinguishedName('garbage')),
    'BAD_NAME',
  );
  t.equal(
    codeOf(() => parseDistinguishedName('CN=')),
    'BAD_NAME',
  );
});

void t.test('serial numbers become minimal positive INTEGER content octets', async (t) => {
  t.equal(hex(parseSerial('7f')), '7f');
  t.equal(hex(parseSerial('80')), '0080', 'a high bit gets a leading zero');
  t.equal(hex(parseSerial('00:00:7F:01')), '7f01', 'colons, case, redundant zeros');
  t.equal(hex(parseSerial('0x1')), '01');
  t.equal(
    codeOf(() => parseSerial('0')),
    'USAGE',
  );
  const r = parseRevocation('ab:cd:ef:superseded', new Date(0));
  t.equal(hex(r.serialNumber as Uint8Array), '00abcdef');
  t.equal(r.reason, 4);
  t.equal(parseRevocation('ab:cd', new Date(0)).reason, undefined, 'a hex tail is part of the serial');
  t.equal(parseRevocation('0a:1', new Date(0)).reason, undefined);
  t.equal(
    parseRevocation('0a:9', new Date(0)).reason,
    undefined,
    'one hex digit after a colon is serial, not reason 9',
  );
  t.equal(parseRevocation('0a:privilegeWithdrawn', new Date(0)).reason, 9);
});

void t.test('dates: ISO-8601, UTC unless an offset is given, calendar-checked', async (t) => {
  t.equal(parseIsoDate('at', '2026-06-01').toISOString(), '2026-06-01T00:00:00.000Z');
  t.equal(parseIsoDate('at', '2026-06-01T07:00:00+07:00').toISOString(), '2026-06-01T00:00:00.000Z');
  t.equal(parseIsoDate('at', '2026-06-01T12:30').toISOString(), '2026-06-01T12:30:00.000Z');
  for (const bad of ['2026-13-01', '2026-02-29', '2026-06-01T24:00:00Z', 'now', '1780000000'])
    t.equal(
      codeOf(() => parseIsoDate('at', bad)),
      'BAD_DATE',
      bad,
    );
});

void t.test(
  'run() in process: output goes through the io given; the environment is only read when named',
  async (t) => {
    const out: string[] = [];
    const err: string[] = [];
    const touched: string[] = [];
    const target: Record<string, string | undefined> = {};
    const env = new Proxy(target, { get: (_, k) => (touched.push(String(k)), undefined) });
    const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd: '/nonexistent', env };
    t.equal(await run(['pki', '--help'], io), 0);
    t.match(out.join(''), /verify-chain/);
    t.equal(await run(['pki', 'verify-chain', 'x.pem', '--anchor', 'y.pem'], io), 2);
    t.match(err.join(''), /FILE_NOT_READABLE: x\.pem: no such file/);
    t.same(touched, [], 'no environment variable read');
  },
);

void t.test('the PDF report prints a failed path with its certificate and the algorithm-policy rule', async (t) => {
  const report: PdfVerificationReport = {
    indication: 'INDETERMINATE',
    subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
    message: 'Signature 1 did not pass.',
    validationTime: '2026-06-01T00:00:00.000Z',
    fileSize: 1000,
    signatures: [
      {
        field: 'Signature1',
        kind: 'signature',
        subFilter: 'ETSI.CAdES.detached',
        indication: 'INDETERMINATE',
        subIndication: 'CRYPTO_CONSTRAINTS_FAILURE',
        message: 'Signature intact; certificate path: RSA-1024 refused by TS119312:RSA-2048.',
        integrity: true,
        trusted: false,
        coverage: { revision: 1, wholeRevision: true, wholeFile: true },
        policyRule: 'TS119312:RSA-2048',
        pathFailure: {
          reason: 'WEAK_ALGORITHM',
          message: 'RSA-1024 refused by TS119312:RSA-2048.',
          failedIndex: 1,
          certificate: {
            subject: 'CN=Old Issuing CA',
            issuer: 'CN=Old Root',
            serialNumber: '07',
            sha256: '00',
            notBefore: '2010-01-01T00:00:00.000Z',
            notAfter: '2030-01-01T00:00:00.000Z',
          },
          policyRule: 'TS119312:RSA-2048',
        },
        changesAfter: [],
        modification: 'NONE',
      },
    ],
    revisions: [],
  };
  const text = formatPdfReport(report, { revocation: 'none', crlCount: 0, ocspCount: 0, dss: false });
  t.match(text, /path: +WEAK_ALGORITHM at CN=Old Issuing CA: RSA-1024 refused by TS119312:RSA-2048\./);
  t.match(text, /policy rule: +TS119312:RSA-2048 \(algorithm policy, ETSI TS 119 312\)/);
});
