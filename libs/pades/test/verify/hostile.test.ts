// Hostile input: truncated files, garbage, a /Prev loop, thousands of
// revisions or signature fields. Each ends in a report (never a throw or a
// hang), with bounded work.
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { readPdfSignatures, MAX_ANALYSED_REVISIONS, MAX_SIGNATURES, verifyPdf } from '../../src/index.ts';
import { memorySource, pdfArray, pdfDict, pdfName, pdfString, PdfDocument } from '@lienthong/pdf';
import { fixturePdf, lastStartxref, latin1, signAs, update, verify } from './support.ts';

const signed = await signAs(await fixturePdf({ useObjectStreams: false }));
const doc = await PdfDocument.open(memorySource(signed));
const root = (await doc.catalog()).ref;
const size = doc.size;

/** Appends `n` revisions that change nothing (an xref section without entries each). */
function emptyRevisions(pdf: Uint8Array, n: number): Uint8Array {
  const parts: string[] = [];
  let at = pdf.length;
  let prev = lastStartxref(pdf);
  for (let i = 0; i < n; i++) {
    const s = `xref\n0 0\ntrailer\n<</Size ${size}/Root ${root.num} 0 R/Prev ${prev}>>\nstartxref\n${at}\n%%EOF\n`;
    parts.push(s);
    prev = at;
    at += s.length;
  }
  return Buffer.concat([pdf, latin1(parts.join(''))]);
}

void t.test('truncated, empty, garbage and header-only files end as FORMAT_FAILURE', async (t) => {
  const cases: [string, Uint8Array][] = [
    ['truncated', signed.subarray(0, Math.floor(signed.length / 2))],
    ['truncated in the last xref', signed.subarray(0, signed.length - 30)],
    ['empty', new Uint8Array(0)],
    ['garbage', randomBytes(20_000)],
    [
      'header and garbage',
      Buffer.concat([latin1('%PDF-1.7\n'), randomBytes(5000), latin1('\nstartxref\n12\n%%EOF\n')]),
    ],
  ];
  for (const [name, pdf] of cases) {
    const r = await verify(pdf);
    t.equal(r.indication, 'TOTAL_FAILED', `${name}: ${r.message}`);
    t.equal(r.subIndication, 'FORMAT_FAILURE', name);
    t.same(r.signatures, [], name);
  }
});

void t.test('a /Prev that loops back to its own section', async (t) => {
  const at = signed.length;
  const loop = Buffer.concat([
    signed,
    latin1(`xref\n0 0\ntrailer\n<</Size ${size}/Root ${root.num} 0 R/Prev ${at}>>\nstartxref\n${at}\n%%EOF\n`),
  ]);
  const r = await verify(loop);
  t.equal(r.indication, 'TOTAL_FAILED');
  t.match(r.message, /loops/);
});

void t.test('a few empty revisions change nothing: PERMITTED with no change of substance', async (t) => {
  const r = await verify(emptyRevisions(signed, 5));
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.equal(r.signatures[0]?.modification, 'PERMITTED');
  t.equal(r.signatures[0]?.changesAfter.length, 5);
});

void t.test(
  `thousands of revisions: past ${MAX_ANALYSED_REVISIONS} they are not examined, and the signature does not pass`,
  async (t) => {
    const r = await verify(emptyRevisions(signed, 2000));
    t.equal(r.revisions.length, 2002);
    t.equal(r.signatures[0]?.modification, 'FORBIDDEN');
    t.match(r.signatures[0]?.message ?? '', /Not examined/);
    const r2 = await verify(emptyRevisions(signed, 5000));
    t.equal(r2.indication, 'TOTAL_FAILED');
    t.match(r2.message, /cross-reference sections/);
  },
);

void t.test(
  `thousands of signature fields sharing one signature: ${MAX_SIGNATURES} examined, the copies rejected`,
  async (t) => {
    const [s] = await readPdfSignatures(memorySource(signed));
    const many = await update(signed, async (edits) => {
      const { dict: catalog } = await edits.catalog();
      const form = await edits.dictIn(catalog, 'AcroForm');
      const fields = await edits.arrayIn(form, 'Fields');
      for (let i = 0; i < 3000; i++)
        fields.items.push(
          edits.add(pdfDict({ FT: pdfName('Sig'), T: pdfString(`copy${i}`), V: s!.ref, Rect: pdfArray([0, 0, 0, 0]) })),
        );
    });
    const r = await verifyPdf(memorySource(many), { time: new Date('2026-06-01T00:00:00Z') });
    t.equal(r.signatures.length, MAX_SIGNATURES);
    t.equal(r.indication, 'TOTAL_FAILED');
    t.match(r.signatures.find((x) => x.field === 'copy0')?.message ?? '', /already the value of field Signature1/);
  },
);

void t.test('an unsigned PDF: INDETERMINATE / SIGNED_DATA_NOT_FOUND', async (t) => {
  const r = await verify(await fixturePdf());
  t.equal(r.indication, 'INDETERMINATE');
  t.equal(r.subIndication, 'SIGNED_DATA_NOT_FOUND');
  t.equal(r.revisions.length, 1);
});
