import { ITEM_COST, type PdfBudget } from './budget.ts';
import { PdfError } from './errors.ts';
import { isDelimiter, isWhite, latin1, type Cursor } from './lexer.ts';
import type { PdfDict, PdfObject } from './objects.ts';

/** Deepest nesting of arrays and dictionaries accepted (a bomb guard; real files stay under 20). */
export const MAX_DEPTH = 64;
/** Longest name or other token accepted, in bytes. */
export const MAX_TOKEN = 256;
/** Longest string accepted (a /Contents of a long-term signature stays well below). */
export const MAX_STRING = 8 * 1024 * 1024;

const HEX = (b: number): number =>
  b >= 0x30 && b <= 0x39 ? b - 0x30 : b >= 0x41 && b <= 0x46 ? b - 0x37 : b >= 0x61 && b <= 0x66 ? b - 0x57 : -1;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const INTEGER = /^\d+$/;

const ESCAPES: Record<number, number> = {
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
  0x62: 0x08,
  0x66: 0x0c,
  0x28: 0x28,
  0x29: 0x29,
  0x5c: 0x5c,
};

function literalString(c: Cursor): Uint8Array {
  c.pos++;
  // A byte array that doubles: a number[] would cost eight bytes a byte of the string.
  let out = new Uint8Array(64);
  let n = 0;
  const push = (v: number): void => {
    if (n === out.length) {
      if (n > MAX_STRING)
        throw new PdfError(
          'PDF_LIMIT_EXCEEDED',
          `String longer than MAX_STRING ${MAX_STRING} bytes at offset ${c.offset}.`,
        );
      const grown = new Uint8Array(Math.min(2 * n, MAX_STRING + 1));
      grown.set(out);
      out = grown;
    }
    out[n++] = v;
  };
  let depth = 1;
  for (;;) {
    const b = c.peek();
    if (b === undefined) c.end('a literal string');
    c.pos++;
    if (b === 0x5c) {
      const e = c.peek();
      if (e === undefined) c.end('a literal string');
      c.pos++;
      if (ESCAPES[e] !== undefined) push(ESCAPES[e]);
      else if (e >= 0x30 && e <= 0x37) {
        let v = e - 0x30;
        for (let i = 0; i < 2 && (c.peek() ?? 0) >= 0x30 && (c.peek() ?? 0) <= 0x37; i++)
          v = v * 8 + c.buf[c.pos++]! - 0x30;
        push(v & 0xff);
      } else if (e === 0x0d) {
        if (c.peek() === 0x0a) c.pos++;
      } else if (e !== 0x0a) push(e);
    } else if (b === 0x28) {
      depth++;
      push(b);
    } else if (b === 0x29) {
      if (--depth === 0) return out.slice(0, n);
      push(b);
    } else if (b === 0x0d) {
      // §7.3.4.2: an end-of-line in a literal string reads as a single LF.
      if (c.peek() === 0x0a) c.pos++;
      push(0x0a);
    } else push(b);
  }
}

function hexString(c: Cursor): Uint8Array {
  c.pos++;
  const start = c.pos;
  while (c.pos < c.buf.length && c.buf[c.pos] !== 0x3e) c.pos++;
  if (c.pos >= c.buf.length) c.end('a hexadecimal string');
  if (c.pos - start > 2 * MAX_STRING)
    throw new PdfError(
      'PDF_LIMIT_EXCEEDED',
      `Hex string longer than MAX_STRING ${MAX_STRING} bytes at offset ${c.base + start}.`,
    );
  const out = new Uint8Array(Math.ceil((c.pos - start) / 2));
  let n = 0;
  let high = -1;
  for (let i = start; i < c.pos; i++) {
    const b = c.buf[i]!;
    if (isWhite(b)) continue;
    const v = HEX(b);
    if (v < 0) throw new PdfError('PDF_MALFORMED', `Bad byte in hexadecimal string at offset ${c.base + i}.`);
    if (high < 0) high = v;
    else {
      out[n++] = (high << 4) | v;
      high = -1;
    }
  }
  if (high >= 0) out[n++] = high << 4;
  c.pos++;
  return n === out.length ? out : out.slice(0, n);
}

function name(c: Cursor): string {
  c.pos++;
  // Fast path: no #xx escape, ended inside the window (most names).
  const start = c.pos;
  let i = start;
  while (
    i < c.buf.length &&
    i - start <= MAX_TOKEN &&
    c.buf[i] !== 0x23 &&
    !isWhite(c.buf[i]) &&
    !isDelimiter(c.buf[i])
  )
    i++;
  if (i < c.buf.length && i - start <= MAX_TOKEN && c.buf[i] !== 0x23) {
    c.pos = i;
    return latin1(c.buf, start, i);
  }
  const bytes: number[] = [];
  for (;;) {
    const b = c.peek();
    if (b === undefined) {
      if (!c.complete) c.end('a name');
      break;
    }
    if (isWhite(b) || isDelimiter(b)) break;
    if (bytes.length > MAX_TOKEN)
      throw new PdfError('PDF_LIMIT_EXCEEDED', `Name longer than ${MAX_TOKEN} bytes at offset ${c.offset}.`);
    if (b === 0x23) {
      const h1 = c.peek(1);
      const h2 = c.peek(2);
      if (h1 === undefined || h2 === undefined) c.end('a name');
      const v = (HEX(h1) << 4) | HEX(h2);
      if (HEX(h1) < 0 || HEX(h2) < 0)
        throw new PdfError('PDF_MALFORMED', `Bad #xx escape in a name at offset ${c.offset}.`);
      bytes.push(v);
      c.pos += 3;
    } else {
      bytes.push(b);
      c.pos++;
    }
  }
  return Buffer.from(bytes).toString('latin1');
}

/** Parses the dictionary body after `<<` has been seen (§7.3.7). */
function dictionary(c: Cursor, budget: PdfBudget | undefined, depth: number): PdfDict {
  c.pos += 2;
  const entries = new Map<string, PdfObject>();
  for (;;) {
    c.skipWhite();
    const b = c.peek();
    if (b === undefined) c.end('a dictionary');
    if (b === 0x3e) {
      if (c.peek(1) !== 0x3e) c.end('a dictionary');
      c.pos += 2;
      return { kind: 'dict', entries };
    }
    if (b !== 0x2f) throw new PdfError('PDF_MALFORMED', `Dictionary key is not a name at offset ${c.offset}.`);
    const at = c.offset;
    const key = name(c);
    budget?.chargeStringBytes(key.length, at);
    const value = parseObject(c, budget, depth + 1);
    // §7.3.7: a null value is the same as an absent entry.
    if (value !== null) entries.set(key, value);
  }
}

/**
 * Parses one direct object at the cursor (ISO 32000-1 §7.3), with
 * `num gen R` references. Streams are not handled here (see the indirect
 * object reader); throws PdfError for bad syntax or exceeded limits and
 * {@link NeedMoreData} when the window is too short. With a `budget`, every value
 * parsed is charged to its `maxItems` ({@link ITEM_COST}) and every string's and name's
 * bytes to its `maxStringBytes`, so that an object of millions of small values is refused
 * as it grows.
 */
export function parseObject(c: Cursor, budget?: PdfBudget, depth = 0): PdfObject {
  if (depth > MAX_DEPTH)
    throw new PdfError(
      'PDF_LIMIT_EXCEEDED',
      `Objects nested deeper than ${MAX_DEPTH} (MAX_DEPTH) at offset ${c.offset}.`,
    );
  c.skipWhite();
  const b = c.peek();
  if (b === undefined) c.end('an object');
  if (budget !== undefined) budget.chargeItems(costOf(b, c.peek(1)), c.offset);
  if (b === 0x2f) return { kind: 'name', name: charged(budget, c, name(c)) };
  if (b === 0x28) return { kind: 'string', bytes: charged(budget, c, literalString(c)), hex: false };
  if (b === 0x3c) {
    const n = c.peek(1);
    if (n === undefined) c.end('an object');
    if (n === 0x3c) return dictionary(c, budget, depth);
    return { kind: 'string', bytes: charged(budget, c, hexString(c)), hex: true };
  }
  if (b === 0x5b) {
    c.pos++;
    const items: PdfObject[] = [];
    for (;;) {
      c.skipWhite();
      const e = c.peek();
      if (e === undefined) c.end('an array');
      if (e === 0x5d) {
        c.pos++;
        return { kind: 'array', items };
      }
      items.push(parseObject(c, budget, depth + 1));
    }
  }
  const start = c.pos;
  const word = c.regular();
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (word === 'null') return null;
  if (NUMBER.test(word)) {
    if (INTEGER.test(word)) {
      const ref = tryReference(c, Number(word));
      if (ref !== undefined) return ref;
    }
    return Number(word);
  }
  throw new PdfError(
    'PDF_MALFORMED',
    `Unexpected token ${JSON.stringify(word.slice(0, 20))} at offset ${c.base + start}.`,
  );
}

/** What the value starting with bytes `b`, `next` counts against `maxItems`. */
function costOf(b: number, next: number | undefined): number {
  if (b === 0x28) return ITEM_COST.string;
  if (b === 0x3c) return next === 0x3c ? ITEM_COST.dictionary : ITEM_COST.string;
  return b === 0x5b ? ITEM_COST.array : 1;
}

/** `value` (a string's bytes or a name) after charging its length to the budget. */
function charged<T extends { length: number }>(budget: PdfBudget | undefined, c: Cursor, value: T): T {
  budget?.chargeStringBytes(value.length, c.offset);
  return value;
}

function tryReference(c: Cursor, num: number): PdfObject | undefined {
  const save = c.pos;
  c.skipWhite();
  const g = c.peek();
  if (g === undefined || g < 0x30 || g > 0x39) {
    c.pos = save;
    return undefined;
  }
  const gen = c.regular();
  c.skipWhite();
  if (INTEGER.test(gen) && c.peek() === 0x52 && c.keyword('R')) return { kind: 'ref', num, gen: Number(gen) };
  c.pos = save;
  return undefined;
}

/** What an indirect object header and body hold: the object, or a stream dictionary with its data offset. */
export interface IndirectObject {
  readonly num: number;
  readonly gen: number;
  readonly object: PdfObject;
  /** For a stream: absolute offset of the first data byte (after `stream` and its EOL, §7.3.8.1). */
  readonly streamOffset?: number;
}

/** Parses `num gen obj <object> [stream]` at the cursor (§7.3.10), charging `budget` as {@link parseObject} does. */
export function parseIndirect(c: Cursor, budget?: PdfBudget): IndirectObject {
  c.skipWhite();
  const n = c.regular();
  c.skipWhite();
  const g = c.regular();
  c.skipWhite();
  if (!INTEGER.test(n) || !INTEGER.test(g) || !c.keyword('obj'))
    throw new PdfError('PDF_XREF_INVALID', `No "N G obj" header at offset ${c.offset}.`);
  const object = parseObject(c, budget);
  c.skipWhite();
  if (object !== null && typeof object === 'object' && object.kind === 'dict' && c.keyword('stream')) {
    if (c.peek() === 0x0d) c.pos++;
    if (c.peek() === 0x0a) c.pos++;
    return { num: Number(n), gen: Number(g), object, streamOffset: c.offset };
  }
  return { num: Number(n), gen: Number(g), object };
}
