import {
  PdfError,
  isArray,
  isNumber,
  isString,
  pdfArray,
  pdfDict,
  pdfName,
  type PdfDict,
  type PdfRef,
  type PdfDocument,
  firstPage,
  listFields,
  listPages,
  type FormField,
  type PageRef,
} from '@lienthong/pdf';
import type { Edits } from './edits.ts';

/** A rectangle `[llx lly urx ury]` in default user space (ISO 32000-1 §7.9.5). */
export type PdfRect = readonly [number, number, number, number];

/** The page at a 0-based index (first page when omitted); PDF_INVALID_ARGUMENT when out of range. */
export async function pageAt(edits: Edits, index: number | undefined): Promise<PageRef> {
  if (index === undefined || index === 0) return firstPage(edits.doc);
  const pages = await listPages(edits.doc);
  const page = pages[index];
  if (page === undefined) throw new PdfError('PDF_INVALID_ARGUMENT', `Page ${index} of ${pages.length}.`);
  return page;
}

/** The page's /MediaBox (inherited, §7.7.3.4), A4 when unreadable. */
export async function mediaBox(edits: Edits, page: PageRef): Promise<PdfRect> {
  let node: PdfDict | undefined = page.dict;
  for (let i = 0; node !== undefined && i < 32; i++) {
    const box = await edits.doc.resolve(node.entries.get('MediaBox'));
    if (isArray(box) && box.items.length === 4 && box.items.every(isNumber)) return box.items as unknown as PdfRect;
    node = await edits.doc.resolveDict(node.entries.get('Parent'));
  }
  return [0, 0, 595, 842];
}

/** The AcroForm dictionary (§12.7.2), editable, created when the document has none. */
export async function editableAcroForm(edits: Edits): Promise<PdfDict> {
  const { dict: catalog } = await edits.catalog();
  const af = catalog.entries.get('AcroForm');
  if (af === undefined) {
    const ref = edits.add(pdfDict({ Fields: pdfArray([]) }));
    catalog.entries.set('AcroForm', ref);
    return edits.dict(ref);
  }
  return edits.dictIn(catalog, 'AcroForm');
}

/** Adds a widget (merged field and annotation, §12.5.6.19) to its page's /Annots and the AcroForm /Fields. */
export async function addWidgetField(edits: Edits, field: PdfDict, page: PageRef): Promise<PdfRef> {
  const t = field.entries.get('T');
  // §12.7.3.2: a partial field name shall not contain a period.
  if (isString(t) && t.bytes.includes(0x2e))
    throw new PdfError('PDF_INVALID_ARGUMENT', 'A new field name must not contain a period (ISO 32000-1 §12.7.3.2).');
  field.entries.set('Type', pdfName('Annot'));
  field.entries.set('Subtype', pdfName('Widget'));
  field.entries.set('P', page.ref);
  const ref = edits.add(field);
  const pageDict = await edits.dict(page.ref);
  (await edits.arrayIn(pageDict, 'Annots')).items.push(ref);
  const form = await editableAcroForm(edits);
  (await edits.arrayIn(form, 'Fields')).items.push(ref);
  return ref;
}

// The fields of a document as read (one walk per revision being made: naming and finding both need it).
const fieldLists = new WeakMap<PdfDocument, Promise<readonly FormField[]>>();

function fieldsOf(doc: PdfDocument): Promise<readonly FormField[]> {
  let fields = fieldLists.get(doc);
  if (fields === undefined) {
    fields = listFields(doc);
    fieldLists.set(doc, fields);
  }
  return fields;
}

/** A terminal field by its fully qualified name, if any. */
export async function findField(
  edits: Edits,
  name: string,
): Promise<{ ref: PdfRef; dict: PdfDict; type: string | undefined } | undefined> {
  return (await fieldsOf(edits.doc)).find((f) => f.name === name);
}

/** A fresh field name `prefix<n>` not used by the document. */
export async function freshFieldName(edits: Edits, prefix: string): Promise<string> {
  const names = new Set((await fieldsOf(edits.doc)).map((f) => f.name));
  for (let i = 1; ; i++) if (!names.has(`${prefix}${i}`)) return `${prefix}${i}`;
}

/** A rectangle from a corner and a size, checked to be finite and non-negative. */
export function rectAt(x: number, y: number, width: number, height: number): PdfRect {
  if (![x, y, width, height].every(Number.isFinite) || width < 0 || height < 0)
    throw new PdfError('PDF_INVALID_ARGUMENT', 'Bad widget position.');
  return [x, y, x + width, y + height];
}
