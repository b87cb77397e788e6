// PAdES baseline levels on both xref kinds: B-B, B-T, B-LT (DSS with VRI), B-LTA
// (document time-stamp), and extending an already signed file later without
// touching its earlier revisions. Judged by pdfsig, qpdf, openssl and (if present) pyHanko.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { addDocumentTimestamp, addDss, readPdfSignatures, signPdf, type PadesLevel } from '../../src/index.ts';
import { isArray, isDict, isRef, memorySink, memorySource, PdfDocument, type PdfSink } from '@lienthong/pdf';
import { readTimeStampToken, toPem, type Certificate } from '@lienthong/pki';
import { fixturePdf } from '../../../pdf/test/fixtures.ts';
import {
  hasTool,
  opensslCmsVerify,
  pdfsig,
  pyhankoValidate,
  qpdfCheck,
  type PdfsigSignature,
} from '../../../../test/support/judges.ts';
import { hierarchy, NOW, ocspGood, signedBytes, signerOf, tsaOf } from './support.ts';

const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-levels-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const rootPem = join(dir, 'root.pem');
writeFileSync(rootPem, toPem('CERTIFICATE', h.root.certificate.der));

const ocspFor = (cert: Certificate): Promise<Uint8Array> => ocspGood(h, cert);

async function sign(pdf: Uint8Array, level: PadesLevel, sink: PdfSink = memorySink()): Promise<PdfSink> {
  await signPdf(memorySource(pdf), sink, {
    ...signerOf(h, 'person'),
    level,
    timeStamper: tsaOf(h),
    validationData: {
      certificates: [h.root.certificate, h.tsa.certificate, h.ocsp.certificate],
      crls: [h.rootCrl, h.intermediateCrl],
      ocsps: [await ocspFor(h.person.certificate)],
    },
    reason: 'Phê duyệt',
  });
  return sink;
}

async function bytesOf(sink: PdfSink): Promise<Uint8Array> {
  return sink.read(0, sink.size);
}

/** pdfsig finds no broken signature and reports the last one as `last` says; qpdf --check passes. */
async function judge(t: Test, name: string, pdf: Uint8Array, last: Partial<PdfsigSignature>): Promise<void> {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  if (hasTool('pdfsig')) {
    const r = await pdfsig(file);
    t.same(
      r.signatures.filter((s) => /Signature is Invalid|Digest Mismatch/.test(s.validation ?? '')),
      [],
      `pdfsig ${name}: ${r.output}`,
    );
    t.has(r.signatures.at(-1), last, `pdfsig ${name}: ${r.output}`);
  }
  if (hasTool('qpdf')) t.ok((await qpdfCheck(file)).ok, `qpdf --check ${name}`);
}

for (const useObjectStreams of [false, true]) {
  const kind = useObjectStreams ? 'xref-stream' : 'xref-table';
  void t.test(`B-B and B-T on a ${kind} file`, async (t) => {
    const pdf = await fixturePdf({ pages: 3, useObjectStreams });
    for (const level of ['B-B', 'B-T'] as const) {
      const out = await bytesOf(await sign(pdf, level));
      t.same(out.subarray(0, pdf.length), pdf, 'original bytes unchanged');
      const doc = await PdfDocument.open(memorySource(out));
      t.equal(doc.lastSection.kind, useObjectStreams ? 'stream' : 'table', 'the update repeats the xref kind');
      const [s] = await readPdfSignatures(doc);
      t.ok(s?.coversWholeFile);
      t.equal(s?.revision, 1);
      const r = await opensslCmsVerify(s!.contents, signedBytes(out, s!.byteRange), { trust: rootPem, attime: NOW });
      t.ok(r.ok, `openssl ${level}: ${r.output}`);
      await judge(t, `${kind}-${level}`, out, { totalDocumentSigned: true });
    }
  });
}

void t.test('B-LT: DSS with certificates, CRLs, OCSP responses and a VRI keyed by SHA-1 of /Contents', async (t) => {
  const out = await bytesOf(await sign(await fixturePdf(), 'B-LT'));
  const doc = await PdfDocument.open(memorySource(out));
  t.equal(doc.revisions.length, 3, 'original, signature, DSS');
  const [s] = await readPdfSignatures(doc);
  t.equal(s?.revision, 1);
  t.notOk(s?.coversWholeFile);
  const dss = await doc.resolveDict((await doc.catalog()).dict.entries.get('DSS'));
  t.ok(dss !== undefined, 'catalog has /DSS');
  const certs = await doc.resolve(dss!.entries.get('Certs'));
  t.ok(isArray(certs) && certs.items.length === 5, 'signer, intermediate, root, TSA, OCSP certificates');
  const crls = await doc.resolve(dss!.entries.get('CRLs'));
  t.ok(isArray(crls) && crls.items.length === 2);
  const ocsps = await doc.resolve(dss!.entries.get('OCSPs'));
  t.ok(isArray(ocsps) && ocsps.items.length === 1 && isRef(ocsps.items[0]));
  const vri = await doc.resolveDict(dss!.entries.get('VRI'));
  const key = createHash('sha1').update(s!.contents).digest('hex').toUpperCase();
  t.ok(isDict(vri?.entries.get(key)), `VRI ${key}`);
  await judge(t, 'b-lt', out, { fieldName: s?.fieldName, totalDocumentSigned: false });
});

void t.test('B-LTA: a document time-stamp over everything, SubFilter ETSI.RFC3161', async (t) => {
  const out = await bytesOf(await sign(await fixturePdf(), 'B-LTA'));
  const sigs = await readPdfSignatures(memorySource(out));
  t.equal(sigs.length, 2);
  const ts = sigs[1]!;
  t.equal(ts.type, 'DocTimeStamp');
  t.equal(ts.subFilter, 'ETSI.RFC3161');
  t.ok(ts.coversWholeFile);
  const token = readTimeStampToken(ts.contents);
  const digest = createHash('sha256').update(signedBytes(out, ts.byteRange)).digest();
  t.same(Buffer.from(token.tstInfo.messageImprint.hashedMessage), digest, 'the token covers the ByteRange');
  // pdfsig cannot validate ETSI.RFC3161 ("Signature Type: unknown") but still reports the coverage.
  await judge(t, 'b-lta', out, { fieldName: 'DocTimeStamp1', totalDocumentSigned: true });
  if (hasTool('pyhanko')) {
    const r = await pyhankoValidate(join(dir, 'b-lta.pdf'), { trust: rootPem, validationTime: NOW });
    t.has(
      r.signatures.find((s) => s.field === 'Signature1'),
      { intact: true, trusted: true },
      r.output,
    );
    t.has(
      r.signatures.find((s) => s.field === 'Signature1'),
      { modificationLevel: 'LTA_UPDATES' },
      r.output,
    );
    t.notMatch(r.output, /SUSPICIOUS|TAMPERED|INVALID/, r.output);
  }
});

void t.test('extend later: a B-B file raised to B-LT, then B-LTA, then re-time-stamped', async (t) => {
  const signed = await bytesOf(await sign(await fixturePdf({ useObjectStreams: false }), 'B-B'));
  const sink = memorySink();
  await addDss(memorySource(signed), sink, {
    certificates: [h.person.certificate, h.intermediate.certificate, h.root.certificate],
    crls: [h.intermediateCrl, h.rootCrl],
  });
  await addDocumentTimestamp(sink, sink, tsaOf(h));
  const lta1 = await bytesOf(sink);
  // Before renewing: validation data for the first time-stamp's TSA, then a new time-stamp.
  await addDss(sink, sink, { certificates: [h.tsa.certificate], crls: [h.intermediateCrl] });
  await addDocumentTimestamp(sink, sink, tsaOf(h, new Date('2026-06-02T00:00:00Z')));
  const out = await bytesOf(sink);
  t.same(out.subarray(0, signed.length), signed, 'the signed revision is untouched');
  t.same(out.subarray(0, lta1.length), lta1, 'the first LTA revision is untouched');
  const sigs = await readPdfSignatures(memorySource(out));
  t.same(
    sigs.map((s) => s.type),
    ['Sig', 'DocTimeStamp', 'DocTimeStamp'],
  );
  t.same(
    sigs.map((s) => s.coversWholeFile),
    [false, false, true],
  );
  const doc = await PdfDocument.open(memorySource(out));
  t.equal(doc.revisions.length, 6);
  const certs = await doc.resolve(
    (await doc.resolveDict((await doc.catalog()).dict.entries.get('DSS')))?.entries.get('Certs'),
  );
  t.ok(isArray(certs) && certs.items.length === 4, 'DSS merged without duplicates');
  await judge(t, 'extended', out, { fieldName: 'DocTimeStamp2', totalDocumentSigned: true });
  if (hasTool('pyhanko')) {
    const r = await pyhankoValidate(join(dir, 'extended.pdf'), { trust: rootPem, validationTime: NOW });
    t.has(
      r.signatures.find((s) => s.field === 'Signature1'),
      { intact: true, flags: ['TRUSTED', 'EXTENDED_WITH_LTA_UPDATES'] },
      r.output,
    );
    t.notMatch(r.output, /SUSPICIOUS|TAMPERED|INVALID/, r.output);
  }
});
