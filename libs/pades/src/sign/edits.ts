import {
  type PdfDocument,
  PdfError,
  copyDict,
  isArray,
  isDict,
  isRef,
  pdfArray,
  pdfDict,
  pdfRef,
  type PdfArray,
  type PdfDict,
  type PdfRef,
  type IncrementalUpdate,
} from '@lienthong/pdf';

/**
 * Changes to existing objects collected for one incremental update: each
 * object is copied once, edited in place, and written by {@link flush}.
 */
export class Edits {
  readonly doc: PdfDocument;
  readonly update: IncrementalUpdate;
  private readonly dicts = new Map<number, PdfDict>();
  private readonly arrays = new Map<number, PdfArray>();

  constructor(doc: PdfDocument, update: IncrementalUpdate) {
    this.doc = doc;
    this.update = update;
  }

  /** An editable copy of the dictionary object `ref`. */
  async dict(ref: PdfRef): Promise<PdfDict> {
    const have = this.dicts.get(ref.num);
    if (have !== undefined) return have;
    const d = await this.doc.getObject(ref.num);
    if (d === null) throw new PdfError('PDF_OBJECT_NOT_FOUND', `Object ${ref.num} is free or absent.`);
    if (!isDict(d)) throw new PdfError('PDF_MALFORMED', `Object ${ref.num} is not a dictionary.`);
    const copy = copyDict(d);
    this.dicts.set(ref.num, copy);
    return copy;
  }

  /** The catalog, editable. */
  async catalog(): Promise<{ ref: PdfRef; dict: PdfDict }> {
    const { ref } = await this.doc.catalog();
    return { ref, dict: await this.dict(ref) };
  }

  /** A new dictionary object; returns its reference. */
  add(dict: PdfDict): PdfRef {
    const num = this.update.allocate();
    this.dicts.set(num, dict);
    return pdfRef(num);
  }

  /**
   * The array held in `owner[key]`, editable: an indirect array is copied as
   * its own object, a direct one is replaced in the (edited) owner, a missing
   * one is created direct.
   */
  async arrayIn(owner: PdfDict, key: string): Promise<PdfArray> {
    const v = owner.entries.get(key);
    if (isRef(v)) {
      const have = this.arrays.get(v.num);
      if (have !== undefined) return have;
      const a = await this.doc.getObject(v.num);
      if (isArray(a)) {
        const copy = pdfArray([...a.items]);
        this.arrays.set(v.num, copy);
        return copy;
      }
    }
    const copy = pdfArray(isArray(v) ? [...v.items] : []);
    owner.entries.set(key, copy);
    return copy;
  }

  /** The dictionary held in `owner[key]`, editable (indirect: copied as its own object; direct or missing: in the owner). */
  async dictIn(owner: PdfDict, key: string): Promise<PdfDict> {
    const v = owner.entries.get(key);
    if (isRef(v)) return this.dict(v);
    const copy = isDict(v) ? copyDict(v) : pdfDict();
    owner.entries.set(key, copy);
    return copy;
  }

  /** Writes every edited and new object into the update. */
  flush(): void {
    for (const [num, d] of this.dicts) this.update.set(num, d);
    for (const [num, a] of this.arrays) this.update.set(num, a);
  }
}
