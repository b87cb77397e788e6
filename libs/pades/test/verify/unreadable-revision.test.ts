// A signed PDF whose later revisions cannot be read (a broken xref, a
// truncated object) still gets a report: its signatures are verified in the
// last readable state and the whole is TOTAL_FAILED / FORMAT_FAILURE with the
// reason. A file with no readable signed state stays a bare FORMAT_FAILURE.
import t from 'tap';
import { memorySource, PdfDocument } from '@lienthong/pdf';
import { fixturePdf, lastStartxref, latin1, rawRevision, signAs, verify } from './support.ts';

const signed = await signAs(await fixturePdf({ useObjectStreams: false }));
const doc = await PdfDocument.open(memorySource(signed));
const root = (await doc.catalog()).ref;

/** A last revision whose startxref points at bytes that are no cross-reference section. */
function brokenXref(pdf: Uint8Array): Uint8Array {
  const at = pdf.length;
  const tail = `xref\n0 zz\nnot a table\ntrailer\n<</Size 3/Prev ${lastStartxref(pdf)}>>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.concat([pdf, latin1(tail)]);
}

/** A last revision with a well-formed xref whose new catalog body is cut off. */
function truncatedObject(pdf: Uint8Array): Uint8Array {
  const at = pdf.length;
  const cut = Buffer.concat([pdf, latin1(`${root.num} 0 obj\n<</Type/Catalog/Pages 2 0 R/Lang (vi`)]);
  return rawRevision(cut, root, doc.size, [{ num: root.num, offset: at }], lastStartxref(pdf));
}

for (const [name, broken] of [
  ['a broken xref in the last revision', brokenXref(signed)],
  ['a truncated object in the last revision', truncatedObject(signed)],
] as const) {
  void t.test(`${name}: the signature is reported, the file is TOTAL_FAILED / FORMAT_FAILURE`, async (t) => {
    const r = await verify(broken);
    t.equal(r.indication, 'TOTAL_FAILED', r.message);
    t.equal(r.subIndication, 'FORMAT_FAILURE');
    t.match(r.message, new RegExp(`bytes after byte ${signed.length} cannot be read`));
    t.equal(r.fileSize, broken.length);
    t.equal(r.signatures.length, 1);
    const [s] = r.signatures;
    t.equal(s?.integrity, true, 'the signed revision itself is intact');
    t.equal(s?.indication, 'TOTAL_FAILED');
    t.equal(s?.subIndication, 'FORMAT_FAILURE');
    t.equal(s?.modification, 'FORBIDDEN');
    t.equal(s?.coverage.wholeFile, false);
    t.equal(s?.changesAfter.at(-1)?.kind, 'unreadable');
    t.equal(r.revisions.at(-1)?.end, broken.length);
  });
}

void t.test('an unsigned PDF with a broken last revision: no signature to report, a bare FORMAT_FAILURE', async (t) => {
  const r = await verify(brokenXref(await fixturePdf({ useObjectStreams: false })));
  t.equal(r.indication, 'TOTAL_FAILED');
  t.equal(r.subIndication, 'FORMAT_FAILURE');
  t.same(r.signatures, []);
  t.match(r.message, /cannot be read as a PDF/);
});
