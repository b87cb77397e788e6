import type { PdfDocument } from './document.ts';
import { PdfError } from './errors.ts';
import { decodeTextString, isArray, isDict, isName, isRef, isString, type PdfDict, type PdfRef } from './objects.ts';

const MAX_TREE_DEPTH = 64;
const MAX_NODES = 1_000_000;

/** A page object (§7.7.3.3) by reference. */
export interface PageRef {
  readonly ref: PdfRef;
  readonly dict: PdfDict;
}

/** The pages in order, walking the page tree (§7.7.3) with loop and depth guards. */
export async function listPages(doc: PdfDocument): Promise<PageRef[]> {
  const { dict: catalog } = await doc.catalog();
  const pages: PageRef[] = [];
  const seen = new Set<number>();
  const walk = async (ref: PdfRef, depth: number): Promise<void> => {
    if (depth > MAX_TREE_DEPTH) throw new PdfError('PDF_LIMIT_EXCEEDED', 'Page tree deeper than 64.');
    if (seen.has(ref.num) || seen.size > MAX_NODES)
      throw new PdfError('PDF_MALFORMED', `Page tree loops at object ${ref.num}.`);
    seen.add(ref.num);
    const node = await doc.resolveDict(ref);
    if (node === undefined) return;
    const kids = await doc.resolve(node.entries.get('Kids'));
    if (isName(node.entries.get('Type'), 'Pages') || isArray(kids)) {
      if (isArray(kids)) for (const k of kids.items) if (isRef(k)) await walk(k, depth + 1);
    } else pages.push({ ref, dict: node });
  };
  const root = catalog.entries.get('Pages');
  if (!isRef(root)) throw new PdfError('PDF_MALFORMED', 'The catalog has no /Pages reference.');
  await walk(root, 0);
  return pages;
}

/** The first page (the default place of stamp fields and signature widgets). */
export async function firstPage(doc: PdfDocument): Promise<PageRef> {
  const { dict: catalog } = await doc.catalog();
  const seen = new Set<number>();
  let ref = catalog.entries.get('Pages');
  for (let depth = 0; isRef(ref); depth++) {
    if (depth > MAX_TREE_DEPTH || seen.has(ref.num))
      throw new PdfError('PDF_MALFORMED', 'Page tree loops or is too deep.');
    seen.add(ref.num);
    const node = await doc.resolveDict(ref);
    if (node === undefined) break;
    const kids = await doc.resolve(node.entries.get('Kids'));
    if (!isArray(kids)) return { ref, dict: node };
    ref = kids.items[0];
  }
  throw new PdfError('PDF_MALFORMED', 'The document has no page.');
}

/** A terminal form field (§12.7.3.1) with its fully qualified name (parents' /T joined by "."). */
export interface FormField {
  readonly name: string;
  readonly ref: PdfRef;
  readonly dict: PdfDict;
  /** The field type, inherited from parents (/Tx, /Sig, /Btn, /Ch). */
  readonly type: string | undefined;
}

/** The AcroForm dictionary (§12.7.2) and whether it is its own object. */
export async function acroForm(doc: PdfDocument): Promise<{ ref?: PdfRef; dict: PdfDict } | undefined> {
  const { dict: catalog } = await doc.catalog();
  const af = catalog.entries.get('AcroForm');
  const dict = await doc.resolveDict(af);
  if (dict === undefined) return undefined;
  return isRef(af) ? { ref: af, dict } : { dict };
}

/**
 * A field's fully qualified name (its /T appended to the parent's with a period, ISO 32000-1
 * §12.7.3.2) and its type (/FT, inherited from the parent when absent).
 */
export function fieldIdentity(
  dict: PdfDict,
  parentName: string,
  inheritedType: string | undefined,
): { name: string; type: string | undefined } {
  const t = dict.entries.get('T');
  const name = isString(t)
    ? parentName === ''
      ? decodeTextString(t.bytes)
      : `${parentName}.${decodeTextString(t.bytes)}`
    : parentName;
  const ft = dict.entries.get('FT');
  return { name, type: isName(ft) ? ft.name : inheritedType };
}

/**
 * Every terminal field of the AcroForm, walking /Fields and /Kids with loop and depth guards;
 * more than the document's `maxFields` field nodes is PDF_LIMIT_EXCEEDED.
 */
export async function listFields(doc: PdfDocument): Promise<FormField[]> {
  const form = await acroForm(doc);
  const fields: FormField[] = [];
  const seen = new Set<number>();
  const walk = async (ref: PdfRef, prefix: string, inheritedType: string | undefined, depth: number): Promise<void> => {
    if (depth > MAX_TREE_DEPTH) throw new PdfError('PDF_LIMIT_EXCEEDED', 'Field tree deeper than 64.');
    if (seen.has(ref.num)) return;
    seen.add(ref.num);
    doc.budget.checkFields(seen.size);
    const dict = await doc.resolveDict(ref);
    if (dict === undefined) return;
    const { name, type } = fieldIdentity(dict, prefix, inheritedType);
    const kids = await doc.resolve(dict.entries.get('Kids'));
    const fieldKids = isArray(kids)
      ? await Promise.all(kids.items.filter(isRef).map(async (k) => ({ k, d: await doc.resolveDict(k) })))
      : [];
    // Kids without /T are widget annotations of this field (§12.7.3.1), not fields.
    const namedKids = fieldKids.filter((x) => isDict(x.d) && x.d.entries.has('T'));
    if (namedKids.length === 0) fields.push({ name, ref, dict, type });
    else for (const { k } of namedKids) await walk(k, name, type, depth + 1);
  };
  const top = await doc.resolve(form?.dict.entries.get('Fields'));
  if (isArray(top)) for (const f of top.items) if (isRef(f)) await walk(f, '', undefined, 0);
  return fields;
}
