// Changes after signing, each caught with its reason: incremental saving
// attacks (changed content, annotations, catalog /OpenAction, locked fields),
// bytes rewritten inside the signed range, signature wrapping (a shifted
// ByteRange) and shadow attacks (replace, hide-and-replace, hide).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pyhankoValidate, skipUnless } from '../../../../test/support/judges.ts';
import {
  addDocumentTimestamp,
  addDss,
  stampPdf,
  type PdfSignatureReport,
  type PdfVerificationReport,
} from '../../src/index.ts';
import { pdfDict, pdfName, pdfStream, PdfDocument, memorySink, memorySource, type PdfRef } from '@lienthong/pdf';
import {
  addAnnotation,
  dir,
  firstPageContent,
  fixturePdf,
  h,
  latin1,
  NOW,
  partyFlow,
  patchText,
  rawRevision,
  rootPem,
  signAs,
  textStream,
  tsaOf,
  update,
  verify,
} from './support.ts';

const original = await fixturePdf({ pages: 1, useObjectStreams: false });
const signed = await signAs(original);
const { content, page } = await firstPageContent(signed);
const root = (await (await PdfDocument.open(memorySource(signed))).catalog()).ref;
const sizeOf = async (pdf: Uint8Array): Promise<number> => (await PdfDocument.open(memorySource(pdf))).size;

function forbidden(t: Test, r: PdfVerificationReport, kind: string, detail?: RegExp): PdfSignatureReport | undefined {
  const s = r.signatures[0];
  t.equal(r.indication, 'TOTAL_FAILED', r.message);
  t.equal(s?.indication, 'TOTAL_FAILED');
  t.equal(s?.modification, 'FORBIDDEN');
  const bad = s?.changesAfter.find((c) => !c.permitted);
  t.equal(bad?.kind, kind, JSON.stringify(s?.changesAfter, null, 1));
  if (detail !== undefined) t.match(bad?.detail ?? '', detail);
  t.equal(s?.integrity, true, 'the signed revision itself is intact');
  return s;
}

async function pyhanko(name: string, pdf: Uint8Array): Promise<Awaited<ReturnType<typeof pyhankoValidate>>> {
  const file = join(dir, `${name}.pdf`);
  writeFileSync(file, pdf);
  return pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
}

const skipPyhanko = { skip: skipUnless('pyhanko') };

void t.test('the untouched file passes', async (t) => {
  t.equal((await verify(signed)).indication, 'TOTAL_PASSED');
});

void t.test('ISA: an update replacing the page content stream', async (t) => {
  const pdf = await update(signed, async (edits) => edits.update.set(content.num, textStream('PAY 1 000 000 000 VND')));
  const s = forbidden(t, await verify(pdf), 'page-content', new RegExp(`Object ${content.num}, drawn by a page`));
  t.equal(s?.subIndication, 'SIG_CONSTRAINTS_FAILURE');
  t.match(s?.message ?? '', /Forbidden change in revision 2/);
});

void t.test('ISA: an update adding a page /Contents stream', async (t) => {
  const pdf = await update(signed, async (edits) => {
    const extra = edits.update.allocate();
    edits.update.set(extra, textStream('PAID', 300));
    const p = await edits.dict(page);
    p.entries.set('Contents', { kind: 'array', items: [content, { kind: 'ref', num: extra, gen: 0 }] });
  });
  forbidden(t, await verify(pdf), 'page-content', /Page 1 \/Contents changed/);
});

void t.test('ISA: an added FreeText or Stamp annotation is forbidden without DocMDP /P 3', async (t) => {
  for (const subtype of ['FreeText', 'Stamp'])
    forbidden(
      t,
      await verify(await addAnnotation(signed, subtype)),
      'annotation',
      new RegExp(`/${subtype} annotation added on page 1`),
    );
});

void t.test('an annotation is permitted under DocMDP /P 3', async (t) => {
  const certified = await signAs(original, { certify: 3 });
  const r = await verify(await addAnnotation(certified, 'FreeText'));
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.equal(r.signatures[0]?.modification, 'PERMITTED');
  t.equal(r.signatures[0]?.changesAfter[0]?.kind, 'annotation');
});

void t.test('ISA: an update setting the catalog /OpenAction', async (t) => {
  const pdf = await update(signed, async (edits) => {
    const { dict } = await edits.catalog();
    dict.entries.set(
      'OpenAction',
      pdfDict({ S: pdfName('JavaScript'), JS: { kind: 'string', bytes: latin1('app.alert(1)'), hex: false } }),
    );
  });
  forbidden(t, await verify(pdf), 'catalog', /Catalog \/OpenAction added/);
});

void t.test('bytes rewritten inside the signed range: integrity fails (HASH_FAILURE)', async (t) => {
  const pdf = patchText(signed, '842', '843');
  const r = await verify(pdf);
  t.equal(r.indication, 'TOTAL_FAILED');
  t.equal(r.signatures[0]?.subIndication, 'HASH_FAILURE', r.signatures[0]?.message ?? '');
  t.equal(r.signatures[0]?.integrity, false);
});

/** Rewrites the first /ByteRange in place, keeping its width. */
function patchByteRange(pdf: Uint8Array, change: (br: number[]) => number[]): Uint8Array {
  const text = Buffer.from(pdf).toString('latin1');
  const m = /\/ByteRange\s*\[([^\]]*)\]/.exec(text)!;
  const br = m[1]!.trim().split(/\s+/).map(Number);
  const next = `/ByteRange [${change(br).join(' ')}`.padEnd(m[0].length - 1, ' ') + ']';
  return patchText(pdf, m[0], next);
}

void t.test("SWA: a shifted ByteRange no longer brackets this dictionary's /Contents", async (t) => {
  const pdf = patchByteRange(signed, ([a, b, c, d]) => [a!, b! + 10, c! + 10, d! - 10]);
  const r = await verify(pdf);
  t.equal(r.signatures[0]?.indication, 'TOTAL_FAILED');
  t.equal(r.signatures[0]?.subIndication, 'FORMAT_FAILURE');
  t.match(r.signatures[0]?.message ?? '', /is not this dictionary's \/Contents.*\(signature wrapping\)/);
});

void t.test('SWA: a ByteRange ending before the end of its revision', async (t) => {
  const pdf = patchByteRange(signed, ([a, b, c, d]) => [a!, b!, c!, d! - 20]);
  const r = await verify(pdf);
  t.match(r.signatures[0]?.message ?? '', /not the end of a revision/);
  t.equal(r.indication, 'TOTAL_FAILED');
});

void t.test('shadow replace: a second xref section points the content object to a new body', async (t) => {
  const pdf = rawRevision(signed, root, await sizeOf(signed), [
    { num: content.num, body: `<</Length 40>>stream\nBT /Helv 24 Tf 56 600 Td (PAY ME) Tj ET\nendstream` },
  ]);
  forbidden(t, await verify(pdf), 'page-content', /shadow replace/);
});

void t.test(
  'shadow hide-and-replace: the new xref entry points into a body hidden in the signed revision',
  async (t) => {
    const hidden = `${content.num} 0 obj\n<</Length 40>>stream\nBT /Helv 24 Tf 56 600 Td (PAY ME) Tj ET\nendstream\nendobj\n`;
    // Before signing: an unreferenced stream whose data is a complete object under the content's number.
    const prepared = await update(original, async (edits) => {
      const n = edits.update.allocate();
      edits.update.set(n, pdfStream(pdfDict(), latin1(hidden)));
    });
    const signedHidden = await signAs(prepared);
    t.equal((await verify(signedHidden)).indication, 'TOTAL_PASSED', 'the prepared file signs and verifies');
    const at = Buffer.from(signedHidden).indexOf(hidden, 0, 'latin1');
    t.ok(at > 0);
    const pdf = rawRevision(signedHidden, root, await sizeOf(signedHidden), [{ num: content.num, offset: at }]);
    forbidden(t, await verify(pdf), 'page-content', new RegExp(`Object ${content.num}`));
  },
);

void t.test('shadow hide: an overlay form XObject in the signed revision swapped later', async (t) => {
  let form: PdfRef | undefined;
  const prepared = await update(original, async (edits) => {
    const n = edits.update.allocate();
    form = { kind: 'ref', num: n, gen: 0 };
    edits.update.set(
      n,
      pdfStream(
        pdfDict({
          Type: pdfName('XObject'),
          Subtype: pdfName('Form'),
          BBox: { kind: 'array', items: [0, 0, 595, 842] },
        }),
        latin1('% nothing yet'),
      ),
    );
    const draw = edits.update.allocate();
    edits.update.set(draw, pdfStream(pdfDict(), latin1('q /Fm9 Do Q')));
    const p = await edits.dict(page);
    const res = await edits.dictIn(p, 'Resources');
    (await edits.dictIn(res, 'XObject')).entries.set('Fm9', form);
    p.entries.set('Contents', { kind: 'array', items: [content, { kind: 'ref', num: draw, gen: 0 }] });
  });
  const signedOverlay = await signAs(prepared);
  t.equal((await verify(signedOverlay)).indication, 'TOTAL_PASSED');
  const pdf = await update(signedOverlay, async (edits) => {
    edits.update.set(
      form!.num,
      pdfStream(
        pdfDict({
          Type: pdfName('XObject'),
          Subtype: pdfName('Form'),
          BBox: { kind: 'array', items: [0, 0, 595, 842] },
        }),
        latin1('1 1 1 rg 0 0 595 842 re f'),
      ),
    );
  });
  forbidden(t, await verify(pdf), 'page-content', new RegExp(`Object ${form!.num}, drawn by a page`));
});

void t.test('a locked field changed: FieldMDP /Include of the number field, then the number stamped', async (t) => {
  const { stamped } = await partyFlow({ lock: { action: 'Include', fields: ['lienthong-number'] } });
  const r = await verify(stamped);
  const s = forbidden(t, r, 'locked-field', /Locked field: Field lienthong-number/);
  t.same(s?.fieldLock, { action: 'Include', fields: ['lienthong-number'] });
});

void t.test('data appended after the last %%EOF outside any revision', async (t) => {
  const pdf = Buffer.concat([
    signed,
    latin1(`${content.num} 0 obj\n<</Length 10>>stream\nBT (X) Tj\nendstream\nendobj\n`),
  ]);
  forbidden(t, await verify(pdf), 'appended-data');
});

void t.test('pyHanko agrees on the forbidden changes', skipPyhanko, async (t) => {
  const contentChanged = await update(signed, async (edits) =>
    edits.update.set(content.num, textStream('PAY 1 000 000 000 VND')),
  );
  const p1 = await pyhanko('changed-content', contentChanged);
  t.notOk(p1.signatures[0]?.modificationsOk ?? false, p1.output);
  const { signed: certified, stamped: lockedStamp } = await partyFlow({
    lock: { action: 'Include', fields: ['lienthong-number'] },
  });
  const p2 = await pyhanko('locked-field', lockedStamp);
  t.notOk(p2.signatures[0]?.valid ?? false, p2.output);
  const p3 = await pyhanko('annot-certified', await addAnnotation(certified, 'FreeText'));
  t.notOk(p3.signatures[0]?.modificationsOk ?? false, `P 2: an annotation is more than form filling: ${p3.output}`);
  const p4 = await pyhanko(
    'openaction',
    await update(
      signed,
      async (edits) =>
        void (await edits.catalog()).dict.entries.set(
          'OpenAction',
          pdfDict({ S: pdfName('Named'), N: pdfName('Print') }),
        ),
    ),
  );
  t.notOk(p4.signatures[0]?.modificationsOk ?? false, p4.output);
  // pyHanko would accept annotations on an approval signature (level ANNOTATIONS); this page rewrite it rejects too.
  const p5 = await pyhanko('annot-approval', await addAnnotation(signed, 'FreeText'));
  t.notOk(p5.signatures[0]?.modificationsOk ?? false, p5.output);
  const replaced = rawRevision(signed, root, await sizeOf(signed), [
    { num: content.num, body: `<</Length 40>>stream\nBT /Helv 24 Tf 56 600 Td (PAY ME) Tj ET\nendstream` },
  ]);
  const p6 = await pyhanko('shadow-replace', replaced);
  t.notOk(p6.signatures[0]?.modificationsOk ?? false, p6.output);
});

void t.test('DocMDP /P 1: a DSS and a document time-stamp are permitted, form filling is not', async (t) => {
  const certified = await signAs(await fixturePdf(), { certify: 1, allowStamp: true });
  const lta = memorySink();
  await addDss(memorySource(certified), lta, {
    certificates: [h.root.certificate],
    crls: [h.rootCrl, h.intermediateCrl],
  });
  await addDocumentTimestamp(lta, lta, tsaOf(h));
  const r = await verify(lta.bytes());
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.same(
    r.signatures[0]?.changesAfter.map((c) => c.kind),
    ['dss', 'document-timestamp'],
  );
  const stamped = memorySink();
  await stampPdf(memorySource(certified), stamped, { number: 'So 1', date: 'ngay 1' });
  forbidden(t, await verify(stamped.bytes()), 'form-fill');
});
