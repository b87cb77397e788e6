import { type PdfBudget, type PdfDocument, PdfError, type Cursor, parseAt, isName, parseObject } from '@lienthong/pdf';

/** Where a signature dictionary's values sit in the file. */
export interface SignatureDictionaryLayout {
  /** Offset of `N G obj`. */
  readonly offset: number;
  /** Absolute [start, end) of each value of the dictionary, by key. */
  readonly values: ReadonlyMap<string, readonly [number, number]>;
  /** Keys that occur more than once (a reader keeps the last one; a signer may have signed another). */
  readonly duplicates: readonly string[];
}

function scanDictionary(c: Cursor, budget: PdfBudget): Omit<SignatureDictionaryLayout, 'offset'> {
  c.skipWhite();
  c.regular();
  c.skipWhite();
  c.regular();
  c.skipWhite();
  if (!c.keyword('obj')) throw new PdfError('PDF_SIGNATURE_INVALID', `No "N G obj" header at offset ${c.offset}.`);
  c.skipWhite();
  if (c.peek() !== 0x3c || c.peek(1) !== 0x3c)
    throw new PdfError('PDF_SIGNATURE_INVALID', 'The signature object is not a dictionary.');
  c.pos += 2;
  const values = new Map<string, readonly [number, number]>();
  const duplicates: string[] = [];
  for (let n = 0; ; n++) {
    if (n > 4096) throw new PdfError('PDF_LIMIT_EXCEEDED', 'Signature dictionary with more than 4096 entries.');
    c.skipWhite();
    const b = c.peek();
    if (b === undefined) c.end('a signature dictionary');
    if (b === 0x3e && c.peek(1) === 0x3e) return { values, duplicates };
    const key = parseObject(c, budget);
    if (!isName(key))
      throw new PdfError('PDF_SIGNATURE_INVALID', `Dictionary key is not a name at offset ${c.offset}.`);
    c.skipWhite();
    const start = c.offset;
    parseObject(c, budget);
    if (values.has(key.name)) duplicates.push(key.name);
    values.set(key.name, [start, c.offset]);
  }
}

/**
 * Locates the values of signature dictionary `num` in the file, so that the
 * ByteRange gap can be checked to be exactly this dictionary's /Contents
 * string (ISO 32000-1 §12.8.1; the signature-wrapping attack moves it). The
 * dictionary must be an uncompressed object: inside an object stream its
 * /Contents could not be left out of the ByteRange.
 */
export async function locateSignatureDictionary(doc: PdfDocument, num: number): Promise<SignatureDictionaryLayout> {
  const entry = doc.entries.get(num);
  if (entry?.type !== 'offset')
    throw new PdfError(
      'PDF_SIGNATURE_INVALID',
      `Signature dictionary ${num} is ${entry?.type === 'compressed' ? 'in an object stream' : 'not in the file'}.`,
    );
  const { value } = await parseAt(doc.source, entry.offset, (c) => scanDictionary(c, doc.budget));
  return { offset: entry.offset, ...value };
}
