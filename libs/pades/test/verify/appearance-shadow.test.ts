// The "replace" shadow attack on form fields (Mainka et al., NDSS 2021): a
// later revision changes what a field shows (its /AP, or the appearance
// stream itself) without changing its value (/V). That is not form filling:
// the change is forbidden and names the field. Filling a field (value and
// appearance together) stays permitted.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { pyhankoValidate, skipUnless } from '../../../../test/support/judges.ts';
import { type PdfVerificationReport } from '../../src/index.ts';
import {
  decodeTextString,
  isArray,
  isString,
  memorySource,
  pdfArray,
  pdfDict,
  pdfName,
  PdfDocument,
  type PdfRef,
} from '@lienthong/pdf';
import {
  dir,
  firstPageContent,
  fixturePdf,
  NOW,
  partyFlow,
  pdfRef,
  rawRevision,
  rootPem,
  signAs,
  update,
  verify,
} from './support.ts';

const { stamped, sealed } = await partyFlow();

/** The reference of top-level field `name`, its /AP /N stream reference, the catalog and the next object number. */
async function fieldOf(
  pdf: Uint8Array,
  name: string,
): Promise<{ ref: PdfRef; normal?: PdfRef; root: PdfRef; size: number }> {
  const doc = await PdfDocument.open(memorySource(pdf));
  const catalog = await doc.catalog();
  const form = await doc.resolveDict(catalog.dict.entries.get('AcroForm'));
  const fields = await doc.resolve(form?.entries.get('Fields'));
  for (const f of isArray(fields) ? fields.items : []) {
    const d = await doc.resolveDict(f);
    const title = d?.entries.get('T');
    if (f === null || typeof f !== 'object' || f.kind !== 'ref' || !isString(title)) continue;
    if (decodeTextString(title.bytes) !== name) continue;
    const n = (await doc.resolveDict(d?.entries.get('AP')))?.entries.get('N');
    const normal = n !== null && typeof n === 'object' && n.kind === 'ref' ? n : undefined;
    return { ref: f, ...(normal === undefined ? {} : { normal }), root: catalog.ref, size: doc.size };
  }
  throw new Error(`no field ${name}`);
}

/** The number field now shows the date field's appearance; its value is unchanged. */
async function swapAppearance(pdf: Uint8Array): Promise<Uint8Array> {
  const date = await fieldOf(pdf, 'lienthong-date');
  const number = await fieldOf(pdf, 'lienthong-number');
  return update(
    pdf,
    async (edits) => void (await edits.dict(number.ref)).entries.set('AP', pdfDict({ N: date.normal! })),
  );
}

/** The number field's appearance stream given a new body under its old object number. */
async function rewriteAppearanceStream(pdf: Uint8Array): Promise<Uint8Array> {
  const number = await fieldOf(pdf, 'lienthong-number');
  const draw = 'BT /Helv 12 Tf 2 4 Td (So 999-CV/VPTU) Tj ET';
  const body = `<</Type/XObject/Subtype/Form/BBox[0 0 200 20]/Length ${draw.length}>>stream\n${draw}\nendstream`;
  return rawRevision(pdf, number.root, number.size, [{ num: number.normal!.num, body }]);
}

/** The signed (invisible) certification field given an appearance; its signature is unchanged. */
async function dressSignedField(pdf: Uint8Array): Promise<Uint8Array> {
  const sig = await fieldOf(pdf, 'Signature1');
  const date = await fieldOf(pdf, 'lienthong-date');
  return update(pdf, async (edits) => void (await edits.dict(sig.ref)).entries.set('AP', pdfDict({ N: date.normal! })));
}

function forbiddenAppearance(t: Test, r: PdfVerificationReport, field: string, signature: string): void {
  t.equal(r.indication, 'TOTAL_FAILED', r.message);
  const s = r.signatures.find((x) => x.field === signature);
  t.equal(s?.indication, 'TOTAL_FAILED');
  t.equal(s?.subIndication, 'SIG_CONSTRAINTS_FAILURE');
  t.equal(s?.modification, 'FORBIDDEN');
  t.equal(s?.integrity, true, 'the signed revision itself is intact');
  const bad = s?.changesAfter.find((c) => !c.permitted);
  t.equal(bad?.kind, 'appearance', JSON.stringify(s?.changesAfter, null, 1));
  t.match(bad?.detail ?? '', new RegExp(`${field}.*value`));
}

// Each attack is judged for the certification signature and, where the file is sealed, for the seal after it.
const attacks = [
  ['/AP of a filled field re-pointed, /V unchanged', () => swapAppearance(stamped), 'lienthong-number', ['Signature1']],
  [
    'the appearance stream of a filled field rewritten',
    () => rewriteAppearanceStream(stamped),
    'lienthong-number',
    ['Signature1'],
  ],
  [
    'an appearance given to a signed signature field',
    () => dressSignedField(sealed),
    'Signature1',
    ['Signature1', 'lienthong-seal'],
  ],
] as const;

for (const [name, build, field, signatures] of attacks)
  void t.test(`shadow replace of an appearance: ${name} is forbidden`, async (t) => {
    const r = await verify(await build());
    for (const signature of signatures) forbiddenAppearance(t, r, field, signature);
  });

void t.test('filling the number and date (value and appearance together), then sealing, stays permitted', async (t) => {
  const r = await verify(sealed);
  t.equal(r.indication, 'TOTAL_PASSED', r.message);
  t.ok(r.signatures.every((s) => s.changesAfter.every((c) => c.permitted)));
});

/**
 * A page with a widget annotation that belongs to no field, certified with DocMDP /P 3 (annotations may
 * change), then the widget re-pointed to another appearance: it has no value, so nothing permits that.
 */
async function orphanWidget(): Promise<{ signed: Uint8Array; redrawn: Uint8Array }> {
  const base = await fixturePdf({ pages: 1, useObjectStreams: false });
  const doc = await PdfDocument.open(memorySource(base));
  const { page } = await firstPageContent(base);
  const n = doc.size;
  const form = (text: string): string =>
    `<</Type/XObject/Subtype/Form/BBox[0 0 100 20]/Length ${text.length}>>stream\n${text}\nendstream`;
  const streams = rawRevision(base, (await doc.catalog()).ref, n + 2, [
    { num: n, body: form('') },
    { num: n + 1, body: form('BT /Helv 12 Tf 2 4 Td (PAID) Tj ET') },
  ]);
  let widget: PdfRef | undefined;
  const withWidget = await update(streams, async (edits) => {
    widget = edits.add(
      pdfDict({
        Type: pdfName('Annot'),
        Subtype: pdfName('Widget'),
        Rect: pdfArray([50, 50, 150, 70]),
        AP: pdfDict({ N: pdfRef(n) }),
      }),
    );
    (await edits.arrayIn(await edits.dict(page), 'Annots')).items.push(widget);
  });
  const signed = await signAs(withWidget, { certify: 3 });
  const redrawn = await update(
    signed,
    async (edits) => void (await edits.dict(widget!)).entries.set('AP', pdfDict({ N: pdfRef(n + 1) })),
  );
  return { signed, redrawn };
}

void t.test(
  'a widget that belongs to no field given another appearance, even under DocMDP /P 3: forbidden',
  async (t) => {
    const { signed, redrawn } = await orphanWidget();
    t.equal((await verify(signed)).indication, 'TOTAL_PASSED', 'the certified file itself passes');
    const r = await verify(redrawn);
    t.equal(r.indication, 'TOTAL_FAILED', r.message);
    const bad = r.signatures[0]?.changesAfter.find((c) => !c.permitted);
    t.equal(bad?.kind, 'appearance', JSON.stringify(r.signatures[0]?.changesAfter, null, 1));
    t.match(bad?.detail ?? '', /widget annotation \d+ on page 1, which belongs to no field/);
  },
);

// pyHanko 0.38 accepts the first two as form filling (it compares field values, not what they show); it refuses
// the third. Its verdicts are recorded; we assert only where it agrees.
void t.test(
  'pyHanko refuses an appearance added to a signed signature field',
  { skip: skipUnless('pyhanko') },
  async (t) => {
    for (const [name, build] of attacks) {
      const file = join(dir, `appearance-${name.replace(/\W+/g, '-')}.pdf`);
      writeFileSync(file, await build());
      const p = await pyhankoValidate(file, { trust: rootPem, validationTime: NOW });
      t.comment(`pyHanko, ${name}: ${p.signatures.map((s) => s.summary).join(' ')}`);
      if (name.startsWith('an appearance given'))
        t.ok(p.signatures.length === 2 && p.signatures.every((s) => !s.modificationsOk), `${name}: ${p.output}`);
    }
  },
);
