/**
 * The few pieces of PDF syntax (ISO 32000-1 §7.3) the appearance builders
 * write: numbers, names, strings and the bodies of indirect objects.
 */

/**
 * An indirect object ready for a writer: `body` is a dictionary
 * (`<< … >>`) or a stream (`<< … >>\nstream\n…\nendstream`); the writer
 * wraps it as `N 0 obj\n` + body + `\nendobj\n` (ISO 32000-1 §7.3.10).
 */
export interface SerializedObject {
  num: number;
  body: Uint8Array;
}

/**
 * The result of an appearance builder: the objects to add to the file and
 * the number of the Form XObject (ISO 32000-1 §8.10) to use as the
 * annotation's normal appearance (/AP << /N xobject 0 R >>, §12.5.5).
 */
export interface AppearanceResult {
  objects: SerializedObject[];
  xobject: number;
  width: number;
  height: number;
}

/** Hands out the object numbers of new indirect objects. */
export type AllocateObjectNumber = () => number;

/** A real number as PDF writes it (§7.3.3): no exponent, at most 3 decimals. */
export function pdfNumber(n: number): string {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite number: ${n}`);
  const s = (Math.round(n * 1000) / 1000).toFixed(3).replace(/\.?0+$/, '');
  return s === '-0' ? '0' : s;
}

/** An indirect reference `N 0 R` (§7.3.10). */
export function pdfRef(num: number): string {
  return `${num} 0 R`;
}

/** Bytes as a hexadecimal string `<…>` (§7.3.4.3). */
export function pdfHex(bytes: Uint8Array): string {
  return `<${Buffer.from(bytes).toString('hex').toUpperCase()}>`;
}

/**
 * A text string (§7.9.2.2) as UTF-16BE with byte order mark, hex-encoded:
 * for a text field's /V, a /TU or a signature's /Name, /Reason, /Location.
 */
export function pdfTextString(text: string): string {
  const s = text.normalize('NFC');
  const out = new Uint8Array(2 + s.length * 2);
  out[0] = 0xfe;
  out[1] = 0xff;
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[2 + i * 2] = u >> 8;
    out[3 + i * 2] = u & 0xff;
  }
  return pdfHex(out);
}

/** The body of a dictionary object. */
export function dictBody(dict: string): Uint8Array {
  return new TextEncoder().encode(dict);
}

/**
 * The body of a stream object (§7.3.8): `entries` are the dictionary's
 * entries other than /Length, which is added from `data`.
 */
export function streamBody(entries: string, data: Uint8Array): Uint8Array {
  const head = new TextEncoder().encode(`<< ${entries} /Length ${data.length} >>\nstream\n`);
  const tail = new TextEncoder().encode('\nendstream');
  const out = new Uint8Array(head.length + data.length + tail.length);
  out.set(head, 0);
  out.set(data, head.length);
  out.set(tail, head.length + data.length);
  return out;
}
