import {
  PdfDocument,
  isPdfError,
  isArray,
  isName,
  isRef,
  isStream,
  type PdfDict,
  prefixSource,
  type PdfObject,
  type ByteSource,
  type XrefEntry,
  type XrefSection,
} from '@lienthong/pdf';
import { appearanceChange, judgeAppearances, newFormFills } from './appearance-shadow.ts';
import { sameObject, sameValue } from './object-equal.ts';
import { objectRoles, pageContentObjects } from './object-roles.ts';
import type { RevisionChange } from './report.ts';
import {
  acroFormChanges,
  annotationChanges,
  asDict,
  catalogChanges,
  fieldChanges,
  fieldListChanges,
  pageChanges,
  widgetChanges,
  type DiffContext,
} from './structure-diff.ts';

/** Most changed objects examined in one revision (bounded work on hostile files). */
const MAX_CHANGED = 20_000;

/** The file as it was when revision `end` was the last: a reader sees exactly that revision's state. */
export { prefixSource };

/**
 * Opens the state of the document at a revision (ISO 32000-1 §7.5.6: everything up to its %%EOF)
 * on its own; `PdfDocument.revisionView` does the same sharing the document's sections and budget.
 */
export function openRevision(source: ByteSource, end: number): Promise<PdfDocument> {
  return PdfDocument.open(prefixSource(source, end));
}

const sameEntry = (a: XrefEntry, b: XrefEntry): boolean =>
  (a.type === 'offset' && b.type === 'offset' && a.offset === b.offset && a.gen === b.gen) ||
  (a.type === 'compressed' && b.type === 'compressed' && a.stream === b.stream && a.index === b.index);

const isBookkeeping = (o: PdfObject): boolean =>
  isStream(o) && (isName(o.dict.entries.get('Type'), 'XRef') || isName(o.dict.entries.get('Type'), 'ObjStm'));

/** The objects of the older revision that `section` gives a new body or frees (an object stream's members with it). */
function touchedObjects(prev: PdfDocument, section: XrefSection): { changed: number[]; freed: number[] } {
  const changed = new Set<number>();
  const freed: number[] = [];
  for (const [num, e] of section.entries) {
    const old = prev.entries.get(num);
    if (num === 0 || old === undefined || old.type === 'free') continue;
    if (!sameEntry(old, e)) changed.add(num);
  }
  // Free entries are kept as runs: the objects in use before that this section frees.
  if (section.freed.beyondZero)
    for (const num of prev.entries.keys())
      if (num !== 0 && !section.entries.has(num) && section.freed.has(num)) freed.push(num);
  // A replaced object stream replaces its members too, though their entries did not move.
  for (const [num, e] of prev.entries) if (e.type === 'compressed' && changed.has(e.stream)) changed.add(num);
  return { changed: [...changed].sort((a, b) => a - b), freed: freed.sort((a, b) => a - b) };
}

/** A widget outside any field has no value that could explain a new appearance (§12.5.6.19). */
const isOrphanWidgetRedrawn = (before: PdfDict, after: PdfDict): boolean =>
  isName(before.entries.get('Subtype'), 'Widget') &&
  (!sameValue(before.entries.get('AP'), after.entries.get('AP')) ||
    !sameValue(before.entries.get('AS'), after.entries.get('AS')));

async function classify(
  ctx: DiffContext,
  num: number,
  before: PdfObject,
  after: PdfObject,
  drawn: () => Promise<Set<number> | 'unbounded'>,
): Promise<RevisionChange[]> {
  const r = ctx.roles;
  if (num === r.catalog) return catalogChanges(ctx, asDict(before), asDict(after), num);
  if (num === r.info || num === r.metadata)
    return [
      {
        kind: 'metadata',
        requires: 'always',
        detail: `Document ${num === r.info ? 'information dictionary' : 'XMP metadata'} updated.`,
        object: num,
      },
    ];
  if (num === r.acroForm) return acroFormChanges(ctx, asDict(before), asDict(after));
  if (num === r.acroFormFields)
    return fieldListChanges(ctx, isArray(before) ? before.items : [], isArray(after) ? after.items : []);
  const field = r.fields.get(num);
  if (field !== undefined) return fieldChanges(ctx, field, asDict(before), asDict(after), num);
  const widgetOf = r.widgets.get(num);
  if (widgetOf !== undefined) return widgetChanges(ctx.fills, widgetOf, asDict(before), asDict(after), num);
  const page = r.pageNodes.get(num);
  if (page !== undefined) return pageChanges(ctx, page, asDict(before), asDict(after), num);
  const annotsOf = r.annotArrays.get(num);
  if (annotsOf !== undefined)
    return annotationChanges(ctx, annotsOf, isArray(before) ? before.items : [], isArray(after) ? after.items : []);
  if (r.annots.has(num) && isOrphanWidgetRedrawn(asDict(before), asDict(after)))
    return [
      {
        kind: 'appearance',
        requires: 'never',
        detail: `The appearance of widget annotation ${num} on page ${r.annots.get(num)! + 1}, which belongs to no field, changed (shadow replace).`,
        object: num,
      },
    ];
  if (r.annots.has(num))
    return [
      {
        kind: 'annotation',
        requires: 'annotate',
        detail: `Annotation ${num} on page ${r.annots.get(num)! + 1} changed.`,
        object: num,
      },
    ];
  if (r.signatureDicts.has(num))
    return [{ kind: 'signature', requires: 'never', detail: `Signature dictionary ${num} replaced.`, object: num }];
  if (num === r.perms)
    return [{ kind: 'catalog', requires: 'never', detail: 'The /Perms dictionary changed.', object: num }];
  const set = await drawn();
  const isDrawn = set === 'unbounded' || set.has(num);
  const appearanceOf = r.appearances.get(num);
  if (appearanceOf !== undefined && !isDrawn)
    return [
      appearanceChange(ctx.fills, appearanceOf, {
        kind: 'form-fill',
        requires: 'fill',
        detail: `Appearance stream of ${appearanceOf} rewritten.`,
        field: appearanceOf,
        object: num,
      }),
    ];
  if (r.dss.has(num) && !isStream(before) && !isDrawn)
    return [{ kind: 'dss', requires: 'always', detail: `DSS object ${num} updated.`, object: num }];
  if (isDrawn)
    return [
      {
        kind: 'page-content',
        requires: 'never',
        detail: `Object ${num}, drawn by a page, was given a new body (shadow replace).`,
        object: num,
      },
    ];
  return [
    {
      kind: 'replaced-object',
      requires: 'never',
      detail: `Object ${num} of the earlier revision was given a new body.`,
      object: num,
    },
  ];
}

/**
 * What revision `next` changes compared with `prev` (the revision before):
 * every object its cross-reference section gives a new body or frees is
 * read in both states and classified by its role in `prev` (shadow attacks
 * of Mainka et al., NDSS 2021: a changed body under an old number is caught
 * whatever offset it points to). Identical rewrites are ignored.
 */
export async function diffRevision(
  prev: PdfDocument,
  next: PdfDocument,
  section: XrefSection,
): Promise<RevisionChange[]> {
  const out: RevisionChange[] = [];
  const prevRoot = prev.trailer.entries.get('Root');
  const nextRoot = next.trailer.entries.get('Root');
  if (!sameValue(prevRoot, nextRoot))
    out.push({
      kind: 'catalog',
      requires: 'never',
      detail: `The trailer /Root now names ${isRef(nextRoot) ? `object ${nextRoot.num}` : 'something else'}.`,
    });
  const ctx: DiffContext = { prev, next, roles: await objectRoles(prev), fills: newFormFills() };
  let drawnCache: Promise<Set<number> | 'unbounded'> | undefined;
  const drawn = (): Promise<Set<number> | 'unbounded'> => (drawnCache ??= pageContentObjects(prev, ctx.roles));
  const { changed, freed } = touchedObjects(prev, section);
  if (changed.length > MAX_CHANGED)
    return [
      ...out,
      {
        kind: 'replaced-object',
        requires: 'never',
        detail: `${changed.length} objects replaced (more than ${MAX_CHANGED} are not examined).`,
      },
    ];
  for (const num of freed) {
    const before = await prev.getObject(num);
    if (!isBookkeeping(before))
      out.push({ kind: 'deleted-object', requires: 'never', detail: `Object ${num} was freed.`, object: num });
  }
  for (const num of changed) {
    let before: PdfObject;
    let after: PdfObject;
    try {
      before = await prev.getObject(num);
      after = await next.getObject(num);
    } catch (e) {
      if (!isPdfError(e)) throw e;
      out.push({ kind: 'unreadable', requires: 'never', detail: `Object ${num}: ${e.message}`, object: num });
      continue;
    }
    if (isBookkeeping(before) || (await sameObject(prev, next, before, after))) continue;
    out.push(...(await classify(ctx, num, before, after, drawn)));
  }
  return dedupe(judgeAppearances(out, ctx.fills));
}

function dedupe(changes: RevisionChange[]): RevisionChange[] {
  const seen = new Set<string>();
  return changes.filter((c) => {
    const k = `${c.kind}|${c.requires}|${c.detail}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
