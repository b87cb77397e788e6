// Unusable input to `lienthong pdf …` and `lienthong verify FILE.pdf`: one line
// `lienthong: CODE: detail` on stderr, exit 2, and no OUT (nor OUT.tmp-<pid>) left behind.
import { readdirSync, readFileSync, rmSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { lienthong } from './helpers/cli.ts';
import { buildPdfFixture, makePkcs12 } from './helpers/pdf-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-pdf-bad-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const f = await buildPdfFixture(dir);
const { h } = f;
const PASS = 'một-mật-khẩu-đủ-dài-2026';
f.must(
  [
    'pki',
    'issue',
    '--profile',
    'person',
    '--issuer-cert',
    h.intermediate,
    '--issuer-key',
    'inter/key.pem',
    '--out',
    'enc',
    '--organization',
    'Tỉnh ủy Hà Nội',
    '--common-name',
    'Lê Văn Cường',
    '--title',
    'Phó Chánh Văn phòng',
    '--office',
    'Văn phòng Tỉnh ủy',
    '--passphrase-env',
    'KEY_PASS',
    '--key-type',
    'p256',
  ],
  { KEY_PASS: PASS },
);
makePkcs12(dir, 'person.p12', 'p12-secret-2026');
writeFileSync(join(dir, 'notes.txt'), 'Công văn, không phải PDF\n');
const pdf = readFileSync(join(dir, 'doc.pdf'));
writeFileSync(join(dir, 'truncated.pdf'), pdf.subarray(0, Math.floor(pdf.length / 2)));
writeFileSync(join(dir, 'existing.pdf'), 'do not overwrite me');
f.must(['pdf', 'sign', 'doc.pdf', 'signed.pdf', '--key', 'person/key.pem', '--cert', h.leaves.person]);

/** A last incremental update whose startxref points at bytes that are no cross-reference section. */
function brokenUpdate(bytes: Buffer): Buffer {
  const prev = /startxref\s+(\d+)\s+%%EOF\s*$/.exec(bytes.toString('latin1'))![1];
  const tail = `xref\n0 zz\nnot a table\ntrailer\n<</Size 3/Prev ${prev}>>\nstartxref\n${bytes.length}\n%%EOF\n`;
  return Buffer.concat([bytes, Buffer.from(tail, 'latin1')]);
}
writeFileSync(join(dir, 'broken-unsigned.pdf'), brokenUpdate(pdf));
writeFileSync(join(dir, 'broken-signed.pdf'), brokenUpdate(readFileSync(join(dir, 'signed.pdf'))));

const person = ['--key', 'person/key.pem', '--cert', h.leaves.person];
const leftovers = (out: string): string[] => readdirSync(dir).filter((n) => n === out || n.startsWith(`${out}.tmp-`));

const cases: {
  name: string;
  args: string[];
  env?: Record<string, string>;
  code: string;
  detail: RegExp;
  out?: string;
}[] = [
  {
    name: 'a file that is not a PDF',
    args: ['pdf', 'sign', 'notes.txt', 'out-1.pdf', ...person],
    code: 'BAD_PDF',
    detail: /notes\.txt: not a PDF \(no %PDF- header/,
  },
  {
    name: 'a truncated PDF',
    args: ['pdf', 'sign', 'truncated.pdf', 'out-2.pdf', ...person],
    code: 'BAD_PDF',
    detail: /truncated\.pdf: /,
  },
  {
    name: 'a missing IN',
    args: ['pdf', 'sign', 'missing.pdf', 'out-3.pdf', ...person],
    code: 'FILE_NOT_READABLE',
    detail: /missing\.pdf: no such file/,
  },
  {
    name: 'a wrong passphrase',
    args: [
      'pdf',
      'sign',
      'doc.pdf',
      'out-4.pdf',
      '--key',
      'enc/key.pem',
      '--cert',
      'enc/cert.pem',
      '--passphrase-env',
      'KEY_PASS',
    ],
    env: { KEY_PASS: 'not-the-passphrase-at-all' },
    code: 'KEY_DECRYPTION_FAILED',
    detail: /enc\/key\.pem: the key did not decrypt/,
  },
  {
    name: 'an encrypted key without --passphrase-env',
    args: ['pdf', 'sign', 'doc.pdf', 'out-5.pdf', '--key', 'enc/key.pem', '--cert', 'enc/cert.pem'],
    code: 'PASSPHRASE_MISSING',
    detail: /enc\/key\.pem: the key is encrypted/,
  },
  {
    name: 'the variable named by --passphrase-env is unset',
    args: [
      'pdf',
      'sign',
      'doc.pdf',
      'out-6.pdf',
      '--key',
      'enc/key.pem',
      '--cert',
      'enc/cert.pem',
      '--passphrase-env',
      'KEY_PASS',
    ],
    code: 'PASSPHRASE_MISSING',
    detail: /KEY_PASS is unset or empty/,
  },
  {
    name: 'a PKCS#12 with the wrong password',
    args: ['pdf', 'sign', 'doc.pdf', 'out-7.pdf', '--key', 'person.p12', '--passphrase-env', 'P12'],
    env: { P12: 'wrong-password' },
    code: 'KEY_DECRYPTION_FAILED',
    detail: /person\.p12: the PKCS#12 file did not open/,
  },
  {
    name: 'a key that does not match the certificate',
    args: ['pdf', 'sign', 'doc.pdf', 'out-8.pdf', '--key', 'seal/key.pem', '--cert', h.leaves.person],
    code: 'KEY_MISMATCH',
    detail: /seal\/key\.pem is not the key of the certificate in person\/cert\.pem/,
  },
  {
    name: 'a certificate file that is not one',
    args: ['pdf', 'sign', 'doc.pdf', 'out-9.pdf', '--key', 'person/key.pem', '--cert', 'notes.txt'],
    code: 'BAD_CERTIFICATE',
    detail: /notes\.txt/,
  },
  {
    name: 'no --key',
    args: ['pdf', 'sign', 'doc.pdf', 'out-10.pdf', '--cert', h.leaves.person],
    code: 'USAGE',
    detail: /pdf sign: --key is required/,
  },
  {
    name: 'a PKCS#8 key without --cert',
    args: ['pdf', 'sign', 'doc.pdf', 'out-11.pdf', '--key', 'person/key.pem'],
    code: 'USAGE',
    detail: /--cert is required unless --key is a PKCS#12 file/,
  },
  { name: 'no OUT', args: ['pdf', 'sign', 'doc.pdf', ...person], code: 'USAGE', detail: /pdf sign: expected IN OUT/ },
  {
    name: 'B-T without a TSA',
    args: ['pdf', 'sign', 'doc.pdf', 'out-12.pdf', ...person, '--level', 'B-T'],
    code: 'USAGE',
    detail: /--level B-T needs a time-stamp/,
  },
  {
    name: 'an unknown level',
    args: ['pdf', 'sign', 'doc.pdf', 'out-13.pdf', ...person, '--level', 'B-X'],
    code: 'USAGE',
    detail: /--level B-X: expected B-B, B-T, B-LT, B-LTA/,
  },
  {
    name: 'IN = OUT',
    args: ['pdf', 'sign', 'doc.pdf', './doc.pdf', ...person],
    code: 'OUTPUT_IS_INPUT',
    detail: /\.\/doc\.pdf is the input file/,
  },
  {
    name: 'an existing OUT',
    args: ['pdf', 'sign', 'doc.pdf', 'existing.pdf', ...person],
    code: 'OUTPUT_EXISTS',
    detail: /existing\.pdf exists already; remove it or pass --force/,
  },
  {
    name: 'an unreachable --tsa URL',
    args: ['pdf', 'sign', 'doc.pdf', 'out-14.pdf', ...person, '--tsa', 'http://127.0.0.1:2/tsa'],
    code: 'TSA_FAILED',
    detail: /http:\/\/127\.0\.0\.1:2\/tsa: could not reach the TSA \(ECONNREFUSED\)/,
  },
  {
    name: '--tsa that is not a URL',
    args: ['pdf', 'sign', 'doc.pdf', 'out-15.pdf', ...person, '--tsa', 'tsa.example'],
    code: 'USAGE',
    detail: /--tsa tsa\.example: not a URL/,
  },
  {
    name: '--tsa-key without --tsa-cert',
    args: ['pdf', 'sign', 'doc.pdf', 'out-16.pdf', ...person, '--tsa-key', 'tsa/key.pem'],
    code: 'USAGE',
    detail: /--tsa-key and --tsa-cert go together/,
  },
  {
    name: 'an --appearance that is not JSON',
    args: ['pdf', 'sign', 'doc.pdf', 'out-17.pdf', ...person, '--appearance', '{"rect": [1, 2'],
    code: 'BAD_APPEARANCE',
    detail: /--appearance: not JSON/,
  },
  {
    name: 'an --appearance with a bad rect',
    args: ['pdf', 'sign', 'doc.pdf', 'out-18.pdf', ...person, '--appearance', '{"rect":[10,10,5,5],"lines":["A"]}'],
    code: 'BAD_APPEARANCE',
    detail: /"rect" must be \[x1, y1, x2, y2\]/,
  },
  {
    name: 'an --appearance image that is not PNG or JPEG',
    args: ['pdf', 'sign', 'doc.pdf', 'out-19.pdf', ...person, '--appearance', '{"lines":["A"],"image":"notes.txt"}'],
    code: 'BAD_APPEARANCE',
    detail: /notes\.txt: not a PNG or JPEG image/,
  },
  {
    name: 'an OCSP file that is not one',
    args: ['pdf', 'sign', 'doc.pdf', 'out-20.pdf', ...person, '--level', 'B-LT', ...f.tsa, '--ocsp', 'notes.txt'],
    code: 'BAD_OCSP',
    detail: /notes\.txt: not a readable OCSPResponse/,
  },
  {
    name: 'stamp without --date',
    args: ['pdf', 'stamp', 'signed.pdf', 'out-21.pdf', '--number', 'Số 1'],
    code: 'USAGE',
    detail: /pdf stamp: --date is required/,
  },
  {
    name: 'stamp with a date that does not exist',
    args: ['pdf', 'stamp', 'signed.pdf', 'out-22.pdf', '--number', 'Số 1', '--date', '2026-02-30'],
    code: 'BAD_DATE',
    detail: /--date 2026-02-30: not a calendar date/,
  },
  {
    name: 'stamp of a non-PDF',
    args: ['pdf', 'stamp', 'notes.txt', 'out-23.pdf', '--number', 'Số 1', '--date', '2026-02-03'],
    code: 'BAD_PDF',
    detail: /notes\.txt: not a PDF/,
  },
  {
    name: 'extend without --level',
    args: ['pdf', 'extend', 'signed.pdf', 'out-24.pdf'],
    code: 'USAGE',
    detail: /pdf extend: --level is required/,
  },
  {
    name: 'extend to B-B',
    args: ['pdf', 'extend', 'signed.pdf', 'out-25.pdf', '--level', 'B-B'],
    code: 'USAGE',
    detail: /expected B-LT, B-LTA/,
  },
  {
    name: 'extend to B-LTA without a TSA',
    args: ['pdf', 'extend', 'signed.pdf', 'out-26.pdf', '--level', 'B-LTA'],
    code: 'USAGE',
    detail: /needs a time-stamp/,
  },
  {
    name: 'extend of an unsigned PDF',
    args: ['pdf', 'extend', 'doc.pdf', 'out-27.pdf', '--level', 'B-LT'],
    code: 'PDF_NOT_SIGNED',
    detail: /doc\.pdf: no signature or document time-stamp to extend/,
  },
  {
    name: 'extend with an unreachable TSA',
    args: ['pdf', 'extend', 'signed.pdf', 'out-28.pdf', '--level', 'B-LTA', '--tsa', 'http://127.0.0.1:2/tsa'],
    code: 'TSA_FAILED',
    detail: /could not reach the TSA/,
  },
  {
    name: 'verify of a truncated PDF',
    args: ['verify', 'truncated.pdf', '--anchor', h.root],
    code: 'BAD_PDF',
    detail: /truncated\.pdf: /,
  },
  {
    name: 'verify of an unsigned PDF whose last revision cannot be read',
    args: ['verify', 'broken-unsigned.pdf', '--anchor', h.root, '--json'],
    code: 'BAD_PDF',
    detail: /broken-unsigned\.pdf: /,
  },
  {
    name: 'verify of a PDF with --content',
    args: ['verify', 'signed.pdf', '--content', 'notes.txt'],
    code: 'USAGE',
    detail: /--content is for detached CMS signatures/,
  },
];

for (const c of cases) {
  void t.test(`${c.name}: ${c.code}, exit 2, nothing written`, async (t) => {
    const r = lienthong(dir, c.args, c.env);
    t.equal(r.code, 2, 'exit 2', { stdout: r.stdout, stderr: r.stderr });
    t.match(r.stderr, new RegExp(`^lienthong: ${c.code}: `), 'the code');
    t.match(r.stderr, c.detail, 'the detail names the problem');
    t.equal(r.stderr.split('\n').length, 2, 'one line', { stderr: r.stderr });
    t.equal(r.stdout, '', 'nothing on stdout');
    const out = c.args.find((a, i) => i > 1 && a.startsWith('out-'));
    if (out !== undefined) t.same(leftovers(out), [], `no ${out} nor ${out}.tmp-* left`);
  });
}

void t.test(
  'verify of a signed PDF whose last revision cannot be read: a report, FORMAT_FAILURE, exit 1',
  async (t) => {
    const r = lienthong(dir, ['verify', 'broken-signed.pdf', '--anchor', h.root, '--json']);
    t.equal(r.code, 1, r.stderr);
    t.equal(r.stderr, '');
    const json = JSON.parse(r.stdout) as {
      indication: string;
      subIndication: string;
      message: string;
      signatures: unknown[];
    };
    t.equal(json.indication, 'TOTAL_FAILED');
    t.equal(json.subIndication, 'FORMAT_FAILURE');
    t.match(json.message, /cannot be read as a revision/);
    t.equal(json.signatures.length, 1);
    const human = lienthong(dir, ['verify', 'broken-signed.pdf', '--anchor', h.root]);
    t.equal(human.code, 1, human.stderr);
    t.match(human.stdout, /FORMAT_FAILURE/);
  },
);

void t.test('an existing OUT is kept as it was; --force replaces it', async (t) => {
  t.equal(readFileSync(join(dir, 'existing.pdf'), 'utf8'), 'do not overwrite me');
  const r = lienthong(dir, ['pdf', 'sign', 'doc.pdf', 'existing.pdf', ...person, '--force']);
  t.equal(r.code, 0, r.stderr);
  t.equal(readFileSync(join(dir, 'existing.pdf'), 'latin1').slice(0, 5), '%PDF-');
  t.same(
    readdirSync(dir).filter((n) => n.includes('.tmp-')),
    [],
    'no temporary file left',
  );
});

void t.test('the input is never changed by a failed command', async (t) => {
  t.same(readFileSync(join(dir, 'doc.pdf')), pdf);
});
