// The Party flow (issue 10): the signer certifies with DocMDP /P 2 leaving the
// number/date fields open, the office stamps number and date (form filling,
// not a signature), then seals with a time-stamped approval signature.
// Judged by pdfsig, qpdf --check and openssl cms -verify.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { docMdpPermission, readPdfSignatures, signPdf, stampPdf, SEAL_FIELD } from '../../src/index.ts';
import { memorySink, memorySource, PdfDocument, listFields } from '@lienthong/pdf';
import { fixedClock, keySigner, readSignedData, toPem, OID } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import {
  opensslCmsVerify,
  pdfsig,
  pyhankoValidate,
  qpdfCheck,
  skipUnless,
  type PyhankoSignature,
} from '../../../../test/support/judges.ts';
import { NOW, hierarchy, signedBytes, signerOf, tsaOf } from './support.ts';

const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-party-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const rootPem = join(dir, 'root.pem');
writeFileSync(rootPem, toPem('CERTIFICATE', h.root.certificate.der));

const original = await fixturePdf({ pages: 2 });
const step1 = memorySink();
await signPdf(memorySource(original), step1, {
  ...signerOf(h, 'person'),
  allowStamp: true,
  reason: 'Ký ban hành',
  location: 'Hà Nam',
});
const step2 = memorySink();
await stampPdf(memorySource(step1.bytes()), step2, {
  number: 'Số 138-CV/VPTU',
  date: 'Hà Nam, ngày 01 tháng 6 năm 2026',
});
const step3 = memorySink();
await signPdf(memorySource(step2.bytes()), step3, {
  ...signerOf(h, 'seal'),
  level: 'B-T',
  timeStamper: tsaOf(h),
  fieldName: SEAL_FIELD,
});
const final = step3.bytes();
const finalFile = join(dir, 'party.pdf');
writeFileSync(finalFile, final);

void t.test('structure: three revisions after the original, two signatures, stamp fields filled', async (t) => {
  const doc = await PdfDocument.open(memorySource(final));
  t.equal(doc.revisions.length, 4);
  const sigs = await readPdfSignatures(doc);
  t.equal(sigs.length, 2);
  const [s1, s3] = sigs;
  t.equal(s1!.revision, 1, 'signature 1 covers revision 1');
  t.ok(s1!.coversRevision);
  t.notOk(s1!.coversWholeFile);
  t.equal(s3!.fieldName, SEAL_FIELD);
  t.ok(s3!.coversWholeFile, 'the seal covers the whole document');
  for (const s of sigs) {
    t.equal(s.subFilter, 'ETSI.CAdES.detached');
    t.same(s.signingTime, NOW, '/M is the signing time');
  }
  t.equal(s1!.reason, 'Ký ban hành');
  const fields = await listFields(doc);
  const number = fields.find((f) => f.name === 'lienthong-number');
  t.ok(number?.dict.entries.has('AP'), 'number field has an appearance');
  const catalog = (await doc.catalog()).dict;
  t.ok(catalog.entries.has('Perms'), 'certification: /Perms /DocMDP');
});

void t.test('CMS: id-data, message-digest, signing-certificate-v2, no signing-time; openssl verifies', async (t) => {
  for (const s of await readPdfSignatures(memorySource(final))) {
    const sd = readSignedData(s.contents);
    const si = sd.signerInfos[0]!;
    const types = (si.signedAttributes ?? []).map((a) => a.oid);
    t.equal(sd.contentType, OID.data);
    t.ok(types.includes(OID.messageDigest));
    t.ok(types.includes(OID.signingCertificateV2));
    t.notOk(types.includes(OID.signingTime), 'no signing-time attribute');
    const r = await opensslCmsVerify(s.contents, signedBytes(final, s.byteRange), { trust: rootPem, attime: NOW });
    t.ok(r.ok, `openssl cms -verify ${s.fieldName}: ${r.output}`);
  }
});

void t.test(
  'pdfsig: both signatures valid, the last one covers the whole file',
  { skip: skipUnless('pdfsig') },
  async (t) => {
    const r = await pdfsig(finalFile);
    t.has(r.signatures[0], { index: 1 }, r.output);
    t.has(r.signatures[1], { index: 2 }, r.output);
    t.same(
      r.signatures.map((s) => s.valid),
      [true, true],
      r.output,
    );
    t.has(r.signatures[1], { fieldName: SEAL_FIELD, totalDocumentSigned: true }, r.output);
  },
);

void t.test('qpdf --check finds no errors', { skip: skipUnless('qpdf') }, async (t) => {
  const r = await qpdfCheck(finalFile);
  t.ok(r.ok, r.output);
  t.match(r.output, /No syntax or stream encoding errors/);
});

void t.test(
  'pyHanko: signature 1 intact with form filling after it, the seal untouched',
  { skip: skipUnless('pyhanko') },
  async (t) => {
    const r = await pyhankoValidate(finalFile, { trust: rootPem, validationTime: NOW });
    const field = (name: string): PyhankoSignature | undefined => r.signatures.find((s) => s.field === name);
    t.has(
      field('Signature1'),
      { intact: true, flags: ['TRUSTED', 'EXTENDED_WITH_FORM_FILLING', 'ACCEPTABLE_MODIFICATIONS'] },
      r.output,
    );
    t.has(
      field(SEAL_FIELD),
      { intact: true, flags: ['TRUSTED', 'TIMESTAMP_TOKEN<INTACT:TRUSTED>', 'UNTOUCHED'] },
      r.output,
    );
  },
);

void t.test('DocMDP: a certified document cannot be certified again; /P 1 refuses any further signature', async (t) => {
  t.equal(await docMdpPermission(await PdfDocument.open(memorySource(final))), 2);
  t.equal(await docMdpPermission(await PdfDocument.open(memorySource(original))), undefined);
  const base = { signer: keySigner(h.seal.privateKey), certificate: h.seal.certificate, clock: fixedClock(NOW) };
  const again = signPdf(memorySource(step1.bytes()), memorySink(), { ...base, certify: 2 });
  await t.rejects(again, { code: 'PDF_INVALID_ARGUMENT' });
  const locked = memorySink();
  await signPdf(memorySource(original), locked, { ...base, certify: 1 });
  t.equal(await docMdpPermission(await PdfDocument.open(locked)), 1);
  await t.rejects(signPdf(locked, memorySink(), base), { code: 'PDF_INVALID_ARGUMENT' });
});
