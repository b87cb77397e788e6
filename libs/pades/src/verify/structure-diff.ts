import {
  type PdfDocument,
  decodeTextString,
  isArray,
  isDict,
  isName,
  isNumber,
  isRef,
  isString,
  type PdfDict,
  type PdfObject,
} from '@lienthong/pdf';
import { appearanceChange, type FormFills } from './appearance-shadow.ts';
import { sameValue } from './object-equal.ts';
import type { FieldNode, ObjectRoles } from './object-roles.ts';
import type { RevisionChange } from './report.ts';

/** The two revisions compared and the roles of the older one's objects. */
export interface DiffContext {
  readonly prev: PdfDocument;
  readonly next: PdfDocument;
  readonly roles: ObjectRoles;
  /** Values and appearances changed in this revision (an appearance may change only with its value). */
  readonly fills: FormFills;
}

const EMPTY: PdfDict = { kind: 'dict', entries: new Map() };

function changedKeys(a: PdfDict, b: PdfDict): string[] {
  const keys = new Set([...a.entries.keys(), ...b.entries.keys()]);
  return [...keys].filter((k) => !sameValue(a.entries.get(k), b.entries.get(k)));
}

async function items(doc: PdfDocument, o: PdfObject | undefined): Promise<PdfObject[]> {
  const a = await doc.resolve(o);
  return isArray(a) ? a.items : [];
}

const itemKey = (o: PdfObject): string =>
  isRef(o)
    ? `${o.num} ${o.gen} R`
    : JSON.stringify(o, (_k, v: unknown) =>
        v instanceof Map ? [...v.entries()] : v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v,
      );

/** Items of `after` not in `before`, and items of `before` not in `after`. */
function listDiff(before: PdfObject[], after: PdfObject[]): { added: PdfObject[]; removed: PdfObject[] } {
  const b = new Set(before.map(itemKey));
  const a = new Set(after.map(itemKey));
  return { added: after.filter((x) => !b.has(itemKey(x))), removed: before.filter((x) => !a.has(itemKey(x))) };
}

/** A widget is visible when its /Rect has an area and neither Hidden nor NoView is set (ISO 32000-1 §12.5.3, §12.5.5). */
function isVisible(d: PdfDict): boolean {
  const r = d.entries.get('Rect');
  const f = d.entries.get('F');
  if (isNumber(f) && (f & (2 | 32)) !== 0) return false;
  if (!isArray(r) || r.items.length !== 4) return false;
  const [x1, y1, x2, y2] = r.items.map((v) => (isNumber(v) ? v : 0));
  return Math.abs(x2! - x1!) > 0 && Math.abs(y2! - y1!) > 0;
}

async function signatureKind(doc: PdfDocument, v: PdfObject | undefined): Promise<'signature' | 'document-timestamp'> {
  const d = await doc.resolveDict(v);
  return d !== undefined && isName(d.entries.get('Type'), 'DocTimeStamp') ? 'document-timestamp' : 'signature';
}

/** Fields added to or removed from an AcroForm /Fields array (top-level fields). */
export async function fieldListChanges(
  ctx: DiffContext,
  before: PdfObject[],
  after: PdfObject[],
): Promise<RevisionChange[]> {
  const { added, removed } = listDiff(before, after);
  const out: RevisionChange[] = removed.map((r) => ({
    kind: 'field-structure',
    requires: 'never',
    detail: `Field ${isRef(r) ? r.num : ''} removed from the AcroForm.`,
    ...(isRef(r) ? { object: r.num } : {}),
  }));
  for (const ref of added) {
    const d = await ctx.next.resolveDict(ref);
    const t = d?.entries.get('T');
    const field = isString(t) ? decodeTextString(t.bytes) : '';
    const object = isRef(ref) ? { object: ref.num } : {};
    if (d === undefined || !isName(d.entries.get('FT'), 'Sig')) {
      out.push({
        kind: 'new-field',
        requires: 'never',
        detail: `New form field ${field} (only signature fields may be added).`,
        field,
        ...object,
      });
      continue;
    }
    const kind = await signatureKind(ctx.next, d.entries.get('V'));
    // ISO 32000-2 §12.8.2.2.1: document time-stamps (and DSS) may be added whatever the DocMDP level.
    out.push({
      kind,
      requires: kind === 'document-timestamp' ? 'always' : 'sign',
      detail: `New ${kind === 'document-timestamp' ? 'document time-stamp' : 'signature'} field ${field}.`,
      field,
      ...object,
    });
    if (isVisible(d))
      out.push({
        kind: 'annotation',
        requires: 'sign-visible',
        detail: `The new signature field ${field} has a visible widget.`,
        field,
        ...object,
      });
  }
  return out;
}

/** Changes to an AcroForm dictionary (§12.7.2). */
export async function acroFormChanges(ctx: DiffContext, before: PdfDict, after: PdfDict): Promise<RevisionChange[]> {
  const out: RevisionChange[] = [];
  for (const k of changedKeys(before, after)) {
    if (k === 'Fields')
      out.push(
        ...(await fieldListChanges(
          ctx,
          await items(ctx.prev, before.entries.get(k)),
          await items(ctx.next, after.entries.get(k)),
        )),
      );
    else if (k === 'SigFlags') out.push({ kind: 'signature', requires: 'always', detail: 'AcroForm /SigFlags set.' });
    else if (k === 'DR' || k === 'DA' || k === 'NeedAppearances')
      out.push({ kind: 'form-fill', requires: 'fill', detail: `AcroForm /${k} changed (form filling resources).` });
    else out.push({ kind: 'field-structure', requires: 'never', detail: `AcroForm /${k} changed.` });
  }
  return out;
}

/** Changes to the document catalog (§7.7.2): only AcroForm, DSS, Extensions, Metadata and an added /Perms are acceptable. */
export async function catalogChanges(
  ctx: DiffContext,
  before: PdfDict,
  after: PdfDict,
  object: number,
): Promise<RevisionChange[]> {
  const out: RevisionChange[] = [];
  for (const k of changedKeys(before, after)) {
    const b = before.entries.get(k);
    const a = after.entries.get(k);
    if (k === 'AcroForm')
      out.push(
        ...(await acroFormChanges(
          ctx,
          (await ctx.prev.resolveDict(b)) ?? EMPTY,
          (await ctx.next.resolveDict(a)) ?? EMPTY,
        )),
      );
    else if (k === 'DSS' || k === 'Extensions')
      out.push({
        kind: 'dss',
        requires: 'always',
        detail: `Catalog /${k} ${b === undefined ? 'added' : 'updated'}.`,
        object,
      });
    else if (k === 'Metadata')
      out.push({ kind: 'metadata', requires: 'always', detail: 'Catalog /Metadata updated.', object });
    else if (k === 'Perms' && b === undefined)
      out.push({ kind: 'signature', requires: 'sign', detail: 'Catalog /Perms added (certification).', object });
    else
      out.push({
        kind: 'catalog',
        requires: 'never',
        detail: `Catalog /${k} ${b === undefined ? 'added' : a === undefined ? 'removed' : 'changed'}.`,
        object,
      });
  }
  return out;
}

/** Changes to a field dictionary: value and appearance are form filling (or signing); anything else changes the form. */
export async function fieldChanges(
  ctx: DiffContext,
  node: FieldNode,
  before: PdfDict,
  after: PdfDict,
  object: number,
): Promise<RevisionChange[]> {
  const out: RevisionChange[] = [];
  const field = node.name;
  const isSig = node.type === 'Sig';
  for (const k of changedKeys(before, after)) {
    if (k === 'V') ctx.fills.values.add(field);
    if (isSig && (k === 'V' || k === 'AP' || k === 'AS' || k === 'Lock' || k === 'SV' || k === 'MK')) {
      if (k === 'V' && before.entries.has('V')) {
        out.push({
          kind: 'signature',
          requires: 'never',
          detail: `The signature of field ${field} was replaced or removed.`,
          field,
          object,
        });
        continue;
      }
      const kind = await signatureKind(ctx.next, after.entries.get('V'));
      const change: RevisionChange = {
        kind,
        requires: 'sign',
        detail: `Signature field ${field} ${k === 'V' ? 'signed' : `/${k} set while signing`}.`,
        field,
        object,
      };
      out.push(k === 'AP' || k === 'AS' ? appearanceChange(ctx.fills, field, change) : change);
    } else if (!isSig && (k === 'V' || k === 'AP' || k === 'AS' || k === 'DA' || k === 'MK')) {
      const change: RevisionChange = {
        kind: 'form-fill',
        requires: 'fill',
        detail: `Field ${field} /${k} changed.`,
        field,
        object,
      };
      out.push(k === 'AP' || k === 'AS' ? appearanceChange(ctx.fills, field, change) : change);
    } else
      out.push({ kind: 'field-structure', requires: 'never', detail: `Field ${field} /${k} changed.`, field, object });
  }
  return out;
}

/** Changes to a widget annotation kid of a field (§12.5.6.19). */
export function widgetChanges(
  fills: FormFills,
  field: string,
  before: PdfDict,
  after: PdfDict,
  object: number,
): RevisionChange[] {
  return changedKeys(before, after).map((k) =>
    k === 'AP' || k === 'AS'
      ? appearanceChange(fills, field, {
          kind: 'form-fill',
          requires: 'fill',
          detail: `Widget of ${field} /${k} changed.`,
          field,
          object,
        })
      : k === 'MK'
        ? { kind: 'form-fill', requires: 'fill', detail: `Widget of ${field} /${k} changed.`, field, object }
        : { kind: 'field-structure', requires: 'never', detail: `Widget of ${field} /${k} changed.`, field, object },
  );
}

/** Annotations added to or removed from a page's /Annots (§12.5.2). */
export async function annotationChanges(
  ctx: DiffContext,
  page: number,
  before: PdfObject[],
  after: PdfObject[],
): Promise<RevisionChange[]> {
  const { added, removed } = listDiff(before, after);
  const out: RevisionChange[] = [];
  for (const r of removed) {
    const num = isRef(r) ? r.num : undefined;
    const isWidget = num !== undefined && (ctx.roles.fields.has(num) || ctx.roles.widgets.has(num));
    out.push(
      isWidget
        ? {
            kind: 'field-structure',
            requires: 'never',
            detail: `Widget ${num} removed from page ${page + 1}.`,
            object: num,
          }
        : {
            kind: 'annotation',
            requires: 'annotate',
            detail: `Annotation ${num ?? ''} removed from page ${page + 1}.`,
            ...(num === undefined ? {} : { object: num }),
          },
    );
  }
  for (const a of added) {
    const d = await ctx.next.resolveDict(a);
    const object = isRef(a) ? { object: a.num } : {};
    const subtype = d?.entries.get('Subtype');
    if (d !== undefined && isName(subtype, 'Widget')) {
      const parent = await ctx.next.resolveDict(d.entries.get('Parent'));
      const ft = d.entries.get('FT') ?? parent?.entries.get('FT');
      // A new signature field's widget is judged with the field (AcroForm /Fields); only its visibility matters here.
      if (!isName(ft, 'Sig'))
        out.push({
          kind: 'new-field',
          requires: 'never',
          detail: `Widget of a new non-signature field added on page ${page + 1}.`,
          ...object,
        });
      else if (isVisible(d))
        out.push({
          kind: 'annotation',
          requires: 'sign-visible',
          detail: `Visible signature widget added on page ${page + 1}.`,
          ...object,
        });
    } else {
      out.push({
        kind: 'annotation',
        requires: 'annotate',
        detail: `${isName(subtype) ? `/${subtype.name} annotation` : 'Annotation'} added on page ${page + 1}.`,
        ...object,
      });
    }
  }
  return out;
}

/** Changes to a page object (§7.7.3.3): only /Annots may change; anything else changes what the page shows. */
export async function pageChanges(
  ctx: DiffContext,
  page: number,
  before: PdfDict,
  after: PdfDict,
  object: number,
): Promise<RevisionChange[]> {
  const out: RevisionChange[] = [];
  for (const k of changedKeys(before, after)) {
    if (k === 'Annots' && page >= 0)
      out.push(
        ...(await annotationChanges(
          ctx,
          page,
          await items(ctx.prev, before.entries.get(k)),
          await items(ctx.next, after.entries.get(k)),
        )),
      );
    else
      out.push({
        kind: 'page-content',
        requires: 'never',
        detail: `${page >= 0 ? `Page ${page + 1}` : 'Page tree node'} /${k} changed.`,
        object,
      });
  }
  return out;
}

/** The dictionary of a dict or stream object; an empty one for anything else. */
export const asDict = (o: PdfObject): PdfDict =>
  isDict(o) ? o : o !== null && typeof o === 'object' && o.kind === 'stream' ? o.dict : EMPTY;
