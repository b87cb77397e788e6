import {
  type PdfDocument,
  pdfRef,
  isArray,
  isDict,
  isName,
  isRef,
  isStream,
  type PdfDict,
  type PdfObject,
  type PdfRef,
  fieldIdentity,
} from '@lienthong/pdf';

/** A form field node (ISO 32000-1 §12.7.3.1) with its fully qualified name and (inherited) type. */
export interface FieldNode {
  readonly name: string;
  readonly type: string | undefined;
}

/**
 * What the objects of one revision are for, found by walking the catalog:
 * the structures whose changes ISO 32000-1 §12.8.2.2 permits in some cases
 * (fields, widgets, page /Annots, DSS) are told apart from everything else.
 */
export interface ObjectRoles {
  readonly catalog: number | undefined;
  readonly info: number | undefined;
  readonly metadata: number | undefined;
  readonly perms: number | undefined;
  readonly acroForm: number | undefined;
  readonly acroFormFields: number | undefined;
  readonly fields: Map<number, FieldNode>;
  /** Widget annotations that are kids of a field (not merged with it) → the field's name. */
  readonly widgets: Map<number, string>;
  /** Appearance streams of fields and widgets (/AP /N /D /R) → the field's name. */
  readonly appearances: Map<number, string>;
  /** Page and page-tree nodes → page index (-1 for intermediate nodes and /Kids arrays). */
  readonly pageNodes: Map<number, number>;
  /** Indirect /Annots arrays → page index. */
  readonly annotArrays: Map<number, number>;
  /** Annotations that are not form widgets → page index. */
  readonly annots: Map<number, number>;
  readonly signatureDicts: Set<number>;
  /** The DSS dictionary, its arrays and VRI dictionaries (not the data streams). */
  readonly dss: Set<number>;
}

const MAX_NODES = 200_000;
const MAX_DEPTH = 64;

const refNum = (o: PdfObject | undefined): number | undefined => (isRef(o) ? o.num : undefined);

async function walkFields(doc: PdfDocument, roles: ObjectRoles, top: PdfObject[]): Promise<void> {
  const seen = new Set<number>();
  const visit = async (ref: PdfRef, prefix: string, inherited: string | undefined, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || seen.has(ref.num) || seen.size > MAX_NODES) return;
    seen.add(ref.num);
    // The document's maxFields, as listFields counts them (PDF_LIMIT_EXCEEDED).
    doc.budget.checkFields(seen.size);
    const dict = await doc.resolveDict(ref);
    if (dict === undefined) return;
    const { name, type } = fieldIdentity(dict, prefix, inherited);
    roles.fields.set(ref.num, { name, type });
    await appearances(doc, roles, dict, name);
    if (type === 'Sig') {
      const v = refNum(dict.entries.get('V'));
      if (v !== undefined) roles.signatureDicts.add(v);
    }
    const kids = await doc.resolve(dict.entries.get('Kids'));
    for (const k of isArray(kids) ? kids.items : []) {
      if (!isRef(k)) continue;
      const kd = await doc.resolveDict(k);
      if (kd === undefined) continue;
      if (kd.entries.has('T')) await visit(k, name, type, depth + 1);
      else {
        roles.widgets.set(k.num, name);
        await appearances(doc, roles, kd, name);
      }
    }
  };
  for (const f of top) if (isRef(f)) await visit(f, '', undefined, 0);
}

async function appearances(doc: PdfDocument, roles: ObjectRoles, dict: PdfDict, name: string): Promise<void> {
  const ap = await doc.resolveDict(dict.entries.get('AP'));
  for (const key of ['N', 'D', 'R']) {
    const v = ap?.entries.get(key);
    if (isRef(v)) {
      const target = await doc.resolve(v);
      if (isStream(target)) roles.appearances.set(v.num, name);
      else if (isDict(target))
        for (const s of target.entries.values()) if (isRef(s)) roles.appearances.set(s.num, name);
    }
  }
}

async function walkPages(doc: PdfDocument, roles: ObjectRoles, root: PdfObject | undefined): Promise<void> {
  const seen = new Set<number>();
  let pageIndex = 0;
  const visit = async (ref: PdfRef, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || seen.has(ref.num) || seen.size > MAX_NODES) return;
    seen.add(ref.num);
    const node = await doc.resolveDict(ref);
    if (node === undefined) return;
    const kidsObj = node.entries.get('Kids');
    const kids = await doc.resolve(kidsObj);
    if (isName(node.entries.get('Type'), 'Pages') || isArray(kids)) {
      roles.pageNodes.set(ref.num, -1);
      if (isRef(kidsObj)) roles.pageNodes.set(kidsObj.num, -1);
      for (const k of isArray(kids) ? kids.items : []) if (isRef(k)) await visit(k, depth + 1);
      return;
    }
    const index = pageIndex++;
    roles.pageNodes.set(ref.num, index);
    const annotsObj = node.entries.get('Annots');
    if (isRef(annotsObj)) roles.annotArrays.set(annotsObj.num, index);
    const annots = await doc.resolve(annotsObj);
    for (const a of isArray(annots) ? annots.items : []) {
      if (isRef(a) && !roles.fields.has(a.num) && !roles.widgets.has(a.num)) roles.annots.set(a.num, index);
    }
  };
  if (isRef(root)) await visit(root, 0);
}

async function walkDss(doc: PdfDocument, roles: ObjectRoles, dssObj: PdfObject | undefined): Promise<void> {
  const mark = (o: PdfObject | undefined): void => {
    if (isRef(o)) roles.dss.add(o.num);
  };
  mark(dssObj);
  const dss = await doc.resolveDict(dssObj);
  if (dss === undefined) return;
  for (const k of ['Certs', 'CRLs', 'OCSPs']) mark(dss.entries.get(k));
  const vriObj = dss.entries.get('VRI');
  mark(vriObj);
  const vri = await doc.resolveDict(vriObj);
  let n = 0;
  for (const entry of vri?.entries.values() ?? []) {
    if (n++ > 10_000) break;
    mark(entry);
    const e = await doc.resolveDict(entry);
    for (const k of ['Cert', 'CRL', 'OCSP']) mark(e?.entries.get(k));
  }
}

/** Walks the catalog of a revision: AcroForm fields and widgets, the page tree and annotations, the DSS. */
export async function objectRoles(doc: PdfDocument): Promise<ObjectRoles> {
  const root = doc.trailer.entries.get('Root');
  const catalog = await doc.resolveDict(root);
  const get = (k: string): PdfObject | undefined => catalog?.entries.get(k);
  const acroFormObj = get('AcroForm');
  const acroForm = await doc.resolveDict(acroFormObj);
  const fieldsObj = acroForm?.entries.get('Fields');
  const roles: ObjectRoles = {
    catalog: refNum(root),
    info: refNum(doc.trailer.entries.get('Info')),
    metadata: refNum(get('Metadata')),
    perms: refNum(get('Perms')),
    acroForm: refNum(acroFormObj),
    acroFormFields: refNum(fieldsObj),
    fields: new Map(),
    widgets: new Map(),
    appearances: new Map(),
    pageNodes: new Map(),
    annotArrays: new Map(),
    annots: new Map(),
    signatureDicts: new Set(),
    dss: new Set(),
  };
  const fields = await doc.resolve(fieldsObj);
  await walkFields(doc, roles, isArray(fields) ? fields.items : []);
  await walkPages(doc, roles, get('Pages'));
  await walkDss(doc, roles, get('DSS'));
  return roles;
}

/**
 * The objects the pages draw with (contents, resources, XObjects, fonts,
 * patterns…), not through annotations: any change to one of them changes
 * what is shown. Bounded; past the bound every object counts as drawn.
 */
export async function pageContentObjects(doc: PdfDocument, roles: ObjectRoles): Promise<Set<number> | 'unbounded'> {
  const seen = new Set<number>();
  const stack: PdfObject[] = [];
  for (const num of roles.pageNodes.keys()) {
    const d = await doc.resolveDict(pdfRef(num));
    for (const [k, v] of d?.entries ?? [])
      if (k !== 'Parent' && k !== 'Annots' && k !== 'Kids' && k !== 'B') stack.push(v);
  }
  while (stack.length > 0) {
    if (seen.size > MAX_NODES) return 'unbounded';
    const o = stack.pop();
    if (isRef(o)) {
      if (seen.has(o.num) || roles.pageNodes.has(o.num)) continue;
      seen.add(o.num);
      stack.push(await doc.resolve(o));
    } else if (isArray(o)) stack.push(...o.items);
    else {
      const d = isStream(o) ? o.dict : isDict(o) ? o : undefined;
      for (const [k, v] of d?.entries ?? []) if (k !== 'Parent' && k !== 'P') stack.push(v);
    }
  }
  return seen;
}
