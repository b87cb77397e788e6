import { PdfError } from './errors.ts';
import type { PdfDict, PdfObject } from './objects.ts';

const DELIMITER_OR_SPECIAL = new Set([...'()<>[]{}/%#'].map((c) => c.charCodeAt(0)));

/** A name made only of regular ASCII characters, written as it is (the common case, tested first). */
const PLAIN_NAME = /^[!"$&'*+,\-.0-9:;=?@A-Z\\^_`a-z|~]*$/;

/** Writes a name with `#xx` escapes for delimiters, whitespace and bytes outside 0x21–0x7E (ISO 32000-1 §7.3.5). */
export function serializeName(name: string): string {
  if (PLAIN_NAME.test(name)) return `/${name}`;
  let out = '/';
  for (const b of Buffer.from(name, [...name].every((c) => c.charCodeAt(0) <= 0xff) ? 'latin1' : 'utf8')) {
    out +=
      b < 0x21 || b > 0x7e || DELIMITER_OR_SPECIAL.has(b)
        ? `#${b.toString(16).padStart(2, '0').toUpperCase()}`
        : String.fromCharCode(b);
  }
  return out;
}

/** Writes a number: integers as they are, reals with at most 6 decimals and no exponent (§7.3.3). */
export function serializeNumber(n: number): string {
  if (!Number.isFinite(n)) throw new PdfError('PDF_INVALID_ARGUMENT', `Number ${n} cannot be written in PDF.`);
  if (Number.isInteger(n)) return String(n);
  const s = n.toFixed(6).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function literal(bytes: Uint8Array): Uint8Array {
  const out: number[] = [0x28];
  for (const b of bytes) {
    if (b === 0x28 || b === 0x29 || b === 0x5c) out.push(0x5c, b);
    else if (b === 0x0d) out.push(0x5c, 0x72);
    else out.push(b);
  }
  out.push(0x29);
  return Uint8Array.from(out);
}

function parts(o: PdfObject, out: (string | Uint8Array)[], depth: number): void {
  if (depth > 100) throw new PdfError('PDF_LIMIT_EXCEEDED', 'Object nesting deeper than 100 while writing.');
  if (o === null) out.push('null');
  else if (typeof o === 'boolean') out.push(o ? 'true' : 'false');
  else if (typeof o === 'number') out.push(serializeNumber(o));
  else {
    switch (o.kind) {
      case 'name':
        out.push(serializeName(o.name));
        break;
      case 'string':
        out.push(o.hex ? `<${Buffer.from(o.bytes).toString('hex').toUpperCase()}>` : literal(o.bytes));
        break;
      case 'ref':
        out.push(`${o.num} ${o.gen} R`);
        break;
      case 'array':
        out.push('[');
        o.items.forEach((item, i) => {
          if (i > 0) out.push(' ');
          parts(item, out, depth + 1);
        });
        out.push(']');
        break;
      case 'dict':
        dictParts(o, out, depth);
        break;
      case 'stream': {
        if (o.data === undefined)
          throw new PdfError(
            'PDF_INVALID_ARGUMENT',
            'A stream read from a file must be copied with its data before it is written.',
          );
        const d: PdfDict = { kind: 'dict', entries: new Map(o.dict.entries) };
        d.entries.set('Length', o.data.length);
        dictParts(d, out, depth);
        out.push('\nstream\n', o.data, '\nendstream');
        break;
      }
    }
  }
}

function dictParts(d: PdfDict, out: (string | Uint8Array)[], depth: number): void {
  out.push('<<');
  for (const [k, v] of d.entries) {
    out.push(serializeName(k), ' ');
    parts(v, out, depth + 1);
  }
  out.push('>>');
}

/** Serialises an object (a stream with its `data`) to bytes (ISO 32000-1 §7.3). */
export function serializeObject(o: PdfObject): Uint8Array {
  const out: (string | Uint8Array)[] = [];
  parts(o, out, 0);
  // Runs of text become one buffer each: most objects have no binary part at all.
  const chunks: Uint8Array[] = [];
  let text = '';
  for (const p of out) {
    if (typeof p === 'string') text += p;
    else {
      if (text !== '') chunks.push(Buffer.from(text, 'latin1'));
      text = '';
      chunks.push(p);
    }
  }
  if (text !== '' || chunks.length === 0) chunks.push(Buffer.from(text, 'latin1'));
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}

/** Wraps a serialised object body as an indirect object `num gen obj … endobj` (§7.3.10). */
export function indirectObject(num: number, gen: number, body: Uint8Array): Uint8Array {
  return Buffer.concat([Buffer.from(`${num} ${gen} obj\n`, 'latin1'), body, Buffer.from('\nendobj\n', 'latin1')]);
}
