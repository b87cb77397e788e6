// The Party flow through the CLI (issue 10): the signer certifies with --allow-stamp
// and a visible Vietnamese appearance, the office stamps number and date, seals with
// a time-stamped signature in the prepared field, then extends to B-LTA.
// Judged by pyHanko, pdfsig, qpdf --check, pdftotext and `lienthong verify`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { pdfsig, pyhankoValidate, qpdfCheck, skipUnless } from '../../../test/support/judges.ts';
import { lienthong } from './helpers/cli.ts';
import { buildPdfFixture, makePdf } from './helpers/pdf-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-pdf-party-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const f = await buildPdfFixture(dir);
const { h } = f;
const file = (name: string): string => join(dir, name);

writeFileSync(
  file('signer.json'),
  JSON.stringify({
    page: 1,
    rect: [320, 420, 540, 500],
    authority: 'K/T BÍ THƯ',
    title: 'PHÓ BÍ THƯ',
    name: 'Nguyễn Văn An',
  }),
);
writeFileSync(
  file('seal.json'),
  JSON.stringify({ lines: ['VĂN PHÒNG TỈNH ỦY HÀ NỘI', 'Ký số'], image: 'seal.png', layout: 'image-left' }),
);

const step1 = f.must([
  'pdf',
  'sign',
  'doc.pdf',
  '1-signed.pdf',
  '--key',
  'person/key.pem',
  '--cert',
  h.leaves.person,
  '--chain',
  h.intermediate,
  '--allow-stamp',
  '--appearance',
  'signer.json',
  '--reason',
  'Ký ban hành',
  '--location',
  'Hà Nội',
]);
const step2 = f.must([
  'pdf',
  'stamp',
  '1-signed.pdf',
  '2-stamped.pdf',
  '--number',
  'Số 138-CV/VPTU',
  '--date',
  '2026-11-23',
  '--place',
  'Hà Nội',
]);
const step3 = f.must([
  'pdf',
  'sign',
  '2-stamped.pdf',
  '3-sealed.pdf',
  '--key',
  'seal/key.pem',
  '--cert',
  h.leaves.seal,
  '--chain',
  h.intermediate,
  '--seal',
  ...f.tsa,
  '--appearance',
  'seal.json',
]);
const step4 = f.must([
  'pdf',
  'extend',
  '3-sealed.pdf',
  '4-lta.pdf',
  '--level',
  'B-LTA',
  ...f.tsa,
  ...f.crlArgs,
  '--dss-cert',
  h.root,
]);

void t.test('each step says what it did', async (t) => {
  t.match(
    step1.stdout,
    /1-signed\.pdf: signed PAdES B-B, certified \(DocMDP P 2\) with the number, date and seal fields open/,
  );
  t.equal(step2.stdout, '2-stamped.pdf: stamped "Số 138-CV/VPTU", "Hà Nội, ngày 23 tháng 11 năm 2026".\n');
  t.match(
    step3.stdout,
    /3-sealed\.pdf: signed PAdES B-T in field lienthong-seal; signer C=VN, O=Tỉnh ủy Hà Nội, CN=Văn phòng Tỉnh ủy/,
  );
  t.match(step4.stdout, /4-lta\.pdf: extended to PAdES B-LTA/);
});

void t.test('the stamp is Vietnamese text in the file (pdftotext)', { skip: skipUnless('pdfsig') }, async (t) => {
  const text = execFileSync('pdftotext', [file('2-stamped.pdf'), '-'], { encoding: 'utf8' });
  t.match(text, /Số 138-CV\/VPTU/);
  t.match(text, /Hà Nội, ngày 23 tháng 11 năm 2026/);
});

const trust = file(h.root);
for (const [name, last] of [
  ['3-sealed.pdf', 'UNTOUCHED'],
  ['4-lta.pdf', 'EXTENDED_WITH_LTA_UPDATES'],
] as const) {
  void t.test(
    `pyHanko on ${name}: signature 1 intact, trusted, only form filling after it; the seal ${last}`,
    { skip: skipUnless('pyhanko') },
    async (t) => {
      const r = await pyhankoValidate(file(name), { trust });
      t.ok(r.ok, r.output);
      const [first, seal] = r.signatures;
      t.equal(first?.field, 'Signature1');
      t.ok(first?.intact && first.trusted, 'signature 1 intact and trusted');
      t.equal(first?.modificationLevel, 'FORM_FILLING', 'after signature 1: form filling only');
      t.ok(first?.modificationsOk, 'ACCEPTABLE_MODIFICATIONS');
      t.equal(seal?.field, 'lienthong-seal');
      t.ok(seal?.intact && seal.trusted, 'the seal intact and trusted');
      t.ok(seal?.flags.includes(last), `the seal: ${last}`);
      t.ok(
        seal?.flags.some((x) => x.startsWith('TIMESTAMP_TOKEN<INTACT:TRUSTED>')),
        'the seal carries a valid signature time-stamp',
      );
      if (name === '3-sealed.pdf') t.equal(seal?.coverage, 'ENTIRE_FILE', 'the seal covers the whole file');
    },
  );
}

void t.test(
  'pdfsig: every signature valid; the seal (then the time-stamp) covers the whole file',
  { skip: skipUnless('pdfsig') },
  async (t) => {
    const sealed = await pdfsig(file('3-sealed.pdf'), { noCert: true });
    t.equal(sealed.signatures.length, 2);
    t.ok(
      sealed.signatures.every((s) => s.valid),
      sealed.output,
    );
    t.equal(sealed.signatures[1]!.fieldName, 'lienthong-seal');
    t.ok(sealed.signatures[1]!.totalDocumentSigned, 'the seal: Total document signed');
    t.notOk(sealed.signatures[0]!.totalDocumentSigned);
    const lta = await pdfsig(file('4-lta.pdf'), { noCert: true });
    t.equal(lta.signatures.length, 3);
    t.ok(lta.signatures[0]!.valid && lta.signatures[1]!.valid, lta.output);
    t.ok(lta.signatures[2]!.totalDocumentSigned, 'the document time-stamp: Total document signed');
  },
);

void t.test('qpdf --check accepts every step', { skip: skipUnless('qpdf') }, async (t) => {
  for (const name of ['1-signed.pdf', '2-stamped.pdf', '3-sealed.pdf', '4-lta.pdf'])
    t.ok((await qpdfCheck(file(name))).ok, name);
});

interface PdfJson {
  indication: string;
  passed: boolean;
  signatures: {
    field: string;
    kind: string;
    indication: string;
    level?: string;
    docMdp?: number;
    modification: string;
    coverage: { wholeFile: boolean };
    changesAfter: { kind: string; permitted: boolean }[];
  }[];
}

void t.test(
  'lienthong verify: every signature TOTAL_PASSED, form filling and LTA updates permitted (exit 0)',
  async (t) => {
    const r = lienthong(dir, ['verify', '4-lta.pdf', ...f.trust, '--json']);
    t.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as PdfJson;
    t.equal(json.indication, 'TOTAL_PASSED');
    t.equal(json.passed, true);
    const [signer, seal, ts] = json.signatures;
    t.equal(signer?.docMdp, 2, 'certification with DocMDP P 2');
    t.equal(signer?.modification, 'PERMITTED');
    t.ok(
      signer?.changesAfter.some((c) => c.kind === 'form-fill' && c.permitted),
      'the stamp is permitted form filling',
    );
    t.equal(seal?.field, 'lienthong-seal');
    t.equal(seal?.level, 'B-LTA');
    t.equal(ts?.kind, 'document-timestamp');
    t.ok(ts?.coverage.wholeFile);
    const human = lienthong(dir, ['verify', '4-lta.pdf', ...f.trust]);
    t.equal(human.code, 0);
    t.match(human.stdout, /Signature 1 of 3: Signature1 — TOTAL_PASSED/);
    t.match(human.stdout, /Signature 2 of 3: lienthong-seal — TOTAL_PASSED/);
    t.match(human.stdout, /level: +PAdES-B-LTA/);
    t.match(human.stdout, /revision 2: permitted form-fill/);
    t.match(human.stdout, /Result: TOTAL_PASSED \(3 of 3 signature\(s\) passed\)/);
  },
);

void t.test('a byte changed inside a signed range fails verification (exit 1)', async (t) => {
  const bytes = readFileSync(file('3-sealed.pdf'));
  // The first page's /MediaBox width, 595 → 594: inside every signature's ByteRange, still a readable PDF.
  const at = bytes.indexOf('595');
  t.ok(at > 0 && at < 2000, 'the MediaBox of the original revision');
  bytes[at + 2] = '4'.charCodeAt(0);
  writeFileSync(file('tampered.pdf'), bytes);
  const r = lienthong(dir, ['verify', 'tampered.pdf', ...f.trust, '--json']);
  t.equal(r.code, 1, r.stderr);
  const json = JSON.parse(r.stdout) as PdfJson;
  t.equal(json.passed, false);
  t.equal(json.indication, 'TOTAL_FAILED');
  t.ok(json.signatures.some((s) => s.indication === 'TOTAL_FAILED'));
});

void t.test('without a trust anchor the PDF is not TOTAL_PASSED (exit 1)', async (t) => {
  const r = lienthong(dir, ['verify', '3-sealed.pdf']);
  t.equal(r.code, 1);
  t.match(r.stdout, /trust: +NOT established/);
});

void t.test(
  'stamping a document signed without --allow-stamp is refused (no fields to fill), exit 2, no OUT',
  async (t) => {
    f.must(['pdf', 'sign', 'doc.pdf', 'plain.pdf', '--key', 'person/key.pem', '--cert', h.leaves.person]);
    const r = lienthong(dir, [
      'pdf',
      'stamp',
      'plain.pdf',
      'plain-stamped.pdf',
      '--number',
      'Số 1',
      '--date',
      '2026-11-23',
    ]);
    t.equal(r.code, 2);
    t.match(
      r.stderr,
      /^lienthong: PDF_REFUSED: plain\.pdf: PDF_INVALID_ARGUMENT: .*No text field named lienthong-number/,
    );
    t.throws(() => readFileSync(file('plain-stamped.pdf')));
  },
);

void t.test('--allow-stamp works on any plain PDF: an xref-stream file with object streams, one page', async (t) => {
  await makePdf(file('objstm.pdf'), 1, true);
  f.must([
    'pdf',
    'sign',
    'objstm.pdf',
    'objstm-1.pdf',
    '--key',
    'person/key.pem',
    '--cert',
    h.leaves.person,
    '--chain',
    h.intermediate,
    '--allow-stamp',
  ]);
  f.must(['pdf', 'stamp', 'objstm-1.pdf', 'objstm-2.pdf', '--number', 'Số 7-TB/TU', '--date', '2026-01-05']);
  f.must([
    'pdf',
    'sign',
    'objstm-2.pdf',
    'objstm-3.pdf',
    '--key',
    'seal/key.pem',
    '--cert',
    h.leaves.seal,
    '--chain',
    h.intermediate,
    '--field',
    'lienthong-seal',
    ...f.tsa,
  ]);
  const r = lienthong(dir, ['verify', 'objstm-3.pdf', ...f.trust, '--json']);
  t.equal(r.code, 0, r.stdout);
  t.match(
    execFileSync('pdftotext', [file('objstm-2.pdf'), '-'], { encoding: 'utf8' }),
    /ngày 05 tháng 01 năm 2026/,
    'zero before a day under 10 and before January',
  );
});
