/**
 * The PDF object model (ISO 32000-1 §7.3): the eight basic object types plus
 * indirect references. Numbers are JS numbers (§7.3.3), booleans and null are
 * JS values; names, strings, arrays, dictionaries, references and streams are
 * tagged objects so a `switch (o.kind)` is exhaustive. Serialise with
 * {@link serializeObject} from `./serialize.ts`.
 */

/** A name object (§7.3.5), `name` already decoded from `#xx` escapes, without the slash. */
export interface PdfName {
  readonly kind: 'name';
  readonly name: string;
}

/** A string object (§7.3.4): raw bytes; `hex` says how it was (or is to be) written. */
export interface PdfString {
  readonly kind: 'string';
  readonly bytes: Uint8Array;
  readonly hex: boolean;
}

/** An array object (§7.3.6). */
export interface PdfArray {
  readonly kind: 'array';
  readonly items: PdfObject[];
}

/** A dictionary object (§7.3.7); keys are decoded names without the slash, insertion order kept. */
export interface PdfDict {
  readonly kind: 'dict';
  readonly entries: Map<string, PdfObject>;
}

/** An indirect reference `num gen R` (§7.3.10). */
export interface PdfRef {
  readonly kind: 'ref';
  readonly num: number;
  readonly gen: number;
}

/**
 * A stream object (§7.3.8). A stream read from a file carries `location`
 * (the absolute offset and length of its encoded data, read on demand); a
 * stream built in memory carries `data` (already encoded as `dict` /Filter
 * says). /Length is written from the data when serialising.
 */
export interface PdfStream {
  readonly kind: 'stream';
  readonly dict: PdfDict;
  readonly data?: Uint8Array;
  readonly location?: { readonly offset: number; readonly length: number };
}

/** Any PDF object. */
export type PdfObject = null | boolean | number | PdfName | PdfString | PdfArray | PdfDict | PdfRef | PdfStream;

/** A name object. */
export function pdfName(name: string): PdfName {
  return { kind: 'name', name };
}

/** A literal string from bytes or from text (text is written as PDFDocEncoding when Latin-1, else UTF-16BE with BOM, §7.9.2.2). */
export function pdfString(value: Uint8Array | string, hex = false): PdfString {
  return { kind: 'string', bytes: typeof value === 'string' ? encodeTextString(value) : value, hex };
}

/** A hexadecimal string (§7.3.4.3). */
export function pdfHexString(bytes: Uint8Array): PdfString {
  return { kind: 'string', bytes, hex: true };
}

/** An array object. */
export function pdfArray(items: PdfObject[]): PdfArray {
  return { kind: 'array', items };
}

/** A dictionary from a plain record (undefined values are left out). */
export function pdfDict(entries: Record<string, PdfObject | undefined> = {}): PdfDict {
  const map = new Map<string, PdfObject>();
  for (const [k, v] of Object.entries(entries)) if (v !== undefined) map.set(k, v);
  return { kind: 'dict', entries: map };
}

/** An indirect reference. */
export function pdfRef(num: number, gen = 0): PdfRef {
  return { kind: 'ref', num, gen };
}

/** An in-memory stream; `data` must already be encoded as `dict` /Filter says. */
export function pdfStream(dict: PdfDict, data: Uint8Array): PdfStream {
  return { kind: 'stream', dict, data };
}

/** A shallow copy of a dictionary (to change some entries of an object for an incremental update). */
export function copyDict(d: PdfDict): PdfDict {
  return { kind: 'dict', entries: new Map(d.entries) };
}

/** Type guard: A name (with that value when `name` is given). */
export const isName = (o: PdfObject | undefined, name?: string): o is PdfName =>
  typeof o === 'object' && o !== null && o.kind === 'name' && (name === undefined || o.name === name);
/** Type guard: A string object. */
export const isString = (o: PdfObject | undefined): o is PdfString =>
  typeof o === 'object' && o !== null && o.kind === 'string';
/** Type guard: An array object. */
export const isArray = (o: PdfObject | undefined): o is PdfArray =>
  typeof o === 'object' && o !== null && o.kind === 'array';
/** Type guard: A dictionary (not a stream). */
export const isDict = (o: PdfObject | undefined): o is PdfDict =>
  typeof o === 'object' && o !== null && o.kind === 'dict';
/** Type guard: An indirect reference. */
export const isRef = (o: PdfObject | undefined): o is PdfRef => typeof o === 'object' && o !== null && o.kind === 'ref';
/** Type guard: A stream object. */
export const isStream = (o: PdfObject | undefined): o is PdfStream =>
  typeof o === 'object' && o !== null && o.kind === 'stream';
/** Type guard: A number (integer or real). */
export const isNumber = (o: PdfObject | undefined): o is number => typeof o === 'number';
/** Type guard: An integer. */
export const isInteger = (o: PdfObject | undefined): o is number => typeof o === 'number' && Number.isInteger(o);

/** The dictionary of a dict or a stream, else undefined. */
export function dictOf(o: PdfObject | undefined): PdfDict | undefined {
  if (isDict(o)) return o;
  if (isStream(o)) return o.dict;
  return undefined;
}

/** Encodes a text string (§7.9.2.2): Latin-1 range as bytes, otherwise UTF-16BE with BOM. */
export function encodeTextString(text: string): Uint8Array {
  // PDFDocEncoding differs from Latin-1 only in 0x80–0x9F and 0x18–0x1F; UTF-16 covers those.
  if (/^[\x20-\x7e\xa0-\xff\n\r\t]*$/.test(text)) {
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return bytes;
  }
  const out = new Uint8Array(2 + text.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out[2 + 2 * i] = c >> 8;
    out[3 + 2 * i] = c & 0xff;
  }
  return out;
}

/** Decodes a text string (§7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), else PDFDocEncoding read as Latin-1. */
export function decodeTextString(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    let s = '';
    for (let i = 2; i + 1 < bytes.length; i += 2) s += String.fromCharCode((bytes[i]! << 8) | bytes[i + 1]!);
    return s;
  }
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf)
    return new TextDecoder().decode(bytes.subarray(3));
  return Buffer.from(bytes).toString('latin1');
}
