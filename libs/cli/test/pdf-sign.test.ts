// `lienthong pdf sign` at each PAdES level, `pdf extend`, a PKCS#12 key, a visible
// appearance with a seal image, and an RFC 3161 TSA over HTTP with a bearer token —
// through the CLI as a user runs it; judged by `lienthong verify`, pdfsig, qpdf and pyHanko.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readPdfSignatures } from '@lienthong/pades';
import { isArray, listFields, memorySource, PdfDocument } from '@lienthong/pdf';
import {
  fromPem,
  issueTimeStampToken,
  keySigner,
  readCertificate,
  readPrivateKey,
  readTimeStampRequest,
} from '@lienthong/pki';
import { pdfsig, pyhankoValidate, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';
import { lienthong, MAIN } from './helpers/cli.ts';
import { buildPdfFixture, makePdf, makePkcs12 } from './helpers/pdf-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-pdf-sign-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const f = await buildPdfFixture(dir);
const { h } = f;
const key = (name: 'person' | 'seal'): string[] => [
  '--key',
  `${name}/key.pem`,
  '--cert',
  `${name}/cert.pem`,
  '--chain',
  h.intermediate,
];

interface PdfJson {
  indication: string;
  passed: boolean;
  signatures: {
    field: string;
    kind: string;
    indication: string;
    level?: string;
    timestamps?: { kind: string; valid: boolean; message: string }[];
    modification: string;
    coverage: { wholeFile: boolean };
  }[];
}
const verifyJson = (file: string): { code: number | null; json: PdfJson; stderr: string } => {
  const r = lienthong(dir, ['verify', file, ...f.trust, '--json']);
  return { code: r.code, json: JSON.parse(r.stdout) as PdfJson, stderr: r.stderr };
};

const skipPdfsig = skipUnless('pdfsig');
const skipQpdf = skipUnless('qpdf');
const skipPyhanko = skipUnless('pyhanko');

for (const level of ['B-B', 'B-T', 'B-LT', 'B-LTA'] as const) {
  void t.test(`pdf sign --level ${level}: verify reaches ${level}, the judges agree`, async (t) => {
    const out = `level-${level}.pdf`;
    const r = lienthong(dir, [
      'pdf',
      'sign',
      'doc.pdf',
      out,
      ...key('person'),
      '--level',
      level,
      ...(level === 'B-B' ? [] : f.tsa),
      ...f.crlArgs,
      '--ocsp',
      'person.ocsp',
      '--dss-cert',
      h.root,
      '--reason',
      'Ký ban hành',
    ]);
    t.equal(r.code, 0, 'exit 0', { stderr: r.stderr });
    t.match(r.stdout, new RegExp(`${out}: signed PAdES ${level}`));
    const original = readFileSync(join(dir, 'doc.pdf'));
    t.same(
      readFileSync(join(dir, out)).subarray(0, original.length),
      original,
      'an incremental update: the original bytes are kept',
    );
    const v = verifyJson(out);
    t.equal(v.code, 0, 'lienthong verify: exit 0', { stderr: v.stderr });
    t.equal(v.json.indication, 'TOTAL_PASSED');
    const sig = v.json.signatures.find((s) => s.kind === 'signature')!;
    // A signature time-stamp that does not validate leaves a TOTAL_PASSED B-B: say which and why.
    t.same(
      sig.timestamps?.map((x) => [x.kind, x.valid]) ?? [],
      level === 'B-B' ? [] : [['signature', true]],
      'the signature time-stamp validates',
      { timestamps: sig.timestamps },
    );
    t.equal(sig.level, level, `PAdES-${level}`);
    t.equal(
      v.json.signatures.length,
      level === 'B-LTA' ? 2 : 1,
      level === 'B-LTA' ? 'a signature and a document time-stamp' : 'one signature',
    );
    if (!skipPdfsig) {
      const p = await pdfsig(join(dir, out), { noCert: true });
      t.ok(p.signatures[0]!.valid, `pdfsig: ${p.output}`);
      // B-LT ends with the DSS revision, which no signature covers; the other levels end with a signature or time-stamp.
      t.equal(
        p.signatures[p.signatures.length - 1]!.totalDocumentSigned,
        level !== 'B-LT',
        `pdfsig: the last one ${level === 'B-LT' ? 'is followed by the DSS' : 'covers the whole file'}`,
      );
    }
    if (!skipQpdf) t.ok((await qpdfCheck(join(dir, out))).ok, 'qpdf --check');
  });
}

void t.test('an xref-stream PDF (object streams) signs at B-T and verifies', async (t) => {
  await makePdf(join(dir, 'objstm.pdf'), 3, true);
  const r = lienthong(dir, ['pdf', 'sign', 'objstm.pdf', 'objstm-bt.pdf', ...key('seal'), ...f.tsa]);
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /signed PAdES B-T/, 'B-T by default when a TSA is given');
  const v = verifyJson('objstm-bt.pdf');
  t.equal(v.code, 0);
  t.equal(v.json.signatures[0]!.level, 'B-T');
  const text = lienthong(dir, ['verify', 'objstm-bt.pdf', ...f.trust]);
  t.match(
    text.stdout,
    /\n {2}time-stamps:\n {4}signature \d{4}-\d\d-\d\dT[\d:.]+Z: valid/,
    'the human report lists the signature time-stamp and its outcome',
  );
});

void t.test('pdf extend: B-B → B-LT → B-LTA → re-time-stamped; pyHanko sees LTA updates only', async (t) => {
  t.equal(lienthong(dir, ['pdf', 'sign', 'doc.pdf', 'ext-bb.pdf', ...key('person')]).code, 0);
  const lt = lienthong(dir, [
    'pdf',
    'extend',
    'ext-bb.pdf',
    'ext-lt.pdf',
    '--level',
    'B-LT',
    ...f.crlArgs,
    '--dss-cert',
    h.root,
  ]);
  t.equal(lt.code, 0, lt.stderr);
  const lta = lienthong(dir, [
    'pdf',
    'extend',
    'ext-lt.pdf',
    'ext-lta.pdf',
    '--level',
    'b-lta',
    ...f.tsa,
    ...f.crlArgs,
  ]);
  t.equal(lta.code, 0, lta.stderr);
  const again = lienthong(dir, [
    'pdf',
    'extend',
    'ext-lta.pdf',
    'ext-lta2.pdf',
    '--level',
    'B-LTA',
    ...f.tsa,
    ...f.crlArgs,
  ]);
  t.equal(again.code, 0, again.stderr);
  const sigs = await readPdfSignatures(memorySource(readFileSync(join(dir, 'ext-lta2.pdf'))));
  t.same(
    sigs.map((s) => s.type),
    ['Sig', 'DocTimeStamp', 'DocTimeStamp'],
    'two document time-stamps after the signature',
  );
  const v = verifyJson('ext-lta2.pdf');
  t.equal(v.code, 0, v.stderr);
  t.same(
    v.json.signatures.map((s) => s.indication),
    ['TOTAL_PASSED', 'TOTAL_PASSED', 'TOTAL_PASSED'],
  );
  t.equal(v.json.signatures[0]!.level, 'B-LTA');
  t.equal(v.json.signatures[0]!.modification, 'PERMITTED', 'only DSS and time-stamps after the signature');
  if (!skipPyhanko) {
    const p = await pyhankoValidate(join(dir, 'ext-lta2.pdf'), { trust: join(dir, h.root) });
    t.ok(p.ok, p.output);
    t.ok(
      p.signatures.some(
        (s) => s.field === 'Signature1' && s.intact && s.trusted && s.modificationLevel === 'LTA_UPDATES',
      ),
      p.output,
    );
  }
});

void t.test('a PKCS#12 key: certificate and chain come from the file', async (t) => {
  makePkcs12(dir, 'person.p12', 'p12-secret-2026');
  const r = lienthong(
    dir,
    ['pdf', 'sign', 'doc.pdf', 'p12.pdf', '--key', 'person.p12', '--passphrase-env', 'P12_PASS'],
    { P12_PASS: 'p12-secret-2026' },
  );
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /signer .*CN=Nguyễn Văn An/);
  const v = verifyJson('p12.pdf');
  t.equal(v.code, 0, 'the chain from the PKCS#12 lets verify build the path with only the root');
  const withCert = lienthong(
    dir,
    [
      'pdf',
      'sign',
      'doc.pdf',
      'p12-cert.pdf',
      '--key',
      'person.p12',
      '--cert',
      h.leaves.person,
      '--passphrase-env',
      'P12_PASS',
    ],
    { P12_PASS: 'p12-secret-2026' },
  );
  t.equal(withCert.code, 0, withCert.stderr);
});

void t.test('--appearance with a seal image: a visible widget at the rectangle given', async (t) => {
  writeFileSync(
    join(dir, 'appearance.json'),
    JSON.stringify({
      page: 2,
      rect: [300, 100, 540, 190],
      authority: 'K/T BÍ THƯ',
      title: 'PHÓ BÍ THƯ',
      name: 'Nguyễn Văn An',
      image: 'seal.png',
    }),
  );
  const r = lienthong(dir, [
    'pdf',
    'sign',
    'doc.pdf',
    'visible.pdf',
    ...key('person'),
    '--appearance',
    'appearance.json',
  ]);
  t.equal(r.code, 0, r.stderr);
  const doc = await PdfDocument.open(memorySource(readFileSync(join(dir, 'visible.pdf'))));
  const field = (await listFields(doc)).find((x) => x.type === 'Sig')!;
  const rect = field.dict.entries.get('Rect');
  t.same(isArray(rect) ? rect.items : [], [300, 100, 540, 190], 'the /Rect given');
  t.ok(field.dict.entries.has('AP'), 'the widget has a normal appearance');
  const v = verifyJson('visible.pdf');
  t.equal(v.code, 0);
  const inline = lienthong(dir, [
    'pdf',
    'sign',
    'doc.pdf',
    'visible-inline.pdf',
    ...key('person'),
    '--appearance',
    '{"lines":["K/T BÍ THƯ",{"text":"Trần Thị Bình","bold":true}]}',
  ]);
  t.equal(inline.code, 0, inline.stderr);
});

// spawnSync would block this process's event loop and with it the TSA below: run the CLI asynchronously.
function lienthongAsync(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: dir, env: { LANG: 'C.UTF-8', ...env }, encoding: 'utf8' },
      (error, stdout, stderr) => {
        resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : 1, stdout, stderr });
      },
    );
  });
}

void t.test('--tsa URL: an RFC 3161 request over HTTP with a bearer token (--tsa-token-env)', async (t) => {
  const der = (p: string): Uint8Array => fromPem(readFileSync(join(dir, p), 'latin1'))[0]!.der;
  const tsaCert = readCertificate(der(h.leaves.tsa));
  const chain = [readCertificate(der(h.intermediate))];
  const signer = keySigner(readPrivateKey(der('tsa/key.pem')));
  const seen: { auth?: string; type?: string }[] = [];
  let serial = 1n;
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, type: req.headers['content-type'] });
      if (req.headers.authorization !== 'Bearer tsa-token-123') {
        res.writeHead(401).end();
        return;
      }
      const request = new Uint8Array(Buffer.concat(parts));
      readTimeStampRequest(request);
      void issueTimeStampToken({
        request,
        tsaCertificate: tsaCert,
        chain,
        signer,
        serialNumber: serial++,
        policy: '1.3.6.1.4.1.99999.2.1',
      }).then((answer) =>
        res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(Buffer.from(answer)),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as { port: number };
  const url = `http://127.0.0.1:${port}/v1/tsa`;
  const ok = await lienthongAsync(
    [
      'pdf',
      'sign',
      'doc.pdf',
      'http-tsa.pdf',
      ...key('seal'),
      '--level',
      'B-LTA',
      '--tsa',
      url,
      '--tsa-token-env',
      'TSA_TOKEN',
      ...f.crlArgs,
      '--dss-cert',
      h.root,
    ],
    { TSA_TOKEN: 'tsa-token-123' },
  );
  t.equal(ok.code, 0, ok.stderr);
  t.ok(
    seen.length >= 2 &&
      seen.every((s) => s.auth === 'Bearer tsa-token-123' && s.type === 'application/timestamp-query'),
    'signature and document time-stamps requested with the bearer token',
  );
  t.equal(verifyJson('http-tsa.pdf').json.signatures[0]!.level, 'B-LTA');
  const refused = await lienthongAsync(
    ['pdf', 'sign', 'doc.pdf', 'http-tsa-401.pdf', ...key('seal'), '--tsa', url],
    {},
  );
  t.equal(refused.code, 2);
  t.match(
    refused.stderr,
    /^lienthong: TSA_FAILED: http:\/\/127\.0\.0\.1:\d+\/v1\/tsa: HTTP 401 \(name a variable holding a bearer token with --tsa-token-env\)\.\n$/,
  );
});
