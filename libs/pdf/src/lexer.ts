import { PdfError } from './errors.ts';

/** Whitespace bytes of ISO 32000-1 §7.2.2 Table 1. */
export function isWhite(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0x0c || b === 0x00;
}

/** Delimiter bytes of §7.2.2 Table 2. */
export function isDelimiter(b: number | undefined): boolean {
  return (
    b === 0x28 ||
    b === 0x29 ||
    b === 0x3c ||
    b === 0x3e ||
    b === 0x5b ||
    b === 0x5d ||
    b === 0x7b ||
    b === 0x7d ||
    b === 0x2f ||
    b === 0x25
  );
}

/** Thrown when the window ends before the token does; the caller reads a larger window and tries again. */
export class NeedMoreData extends Error {
  constructor() {
    super('The parse window ended inside an object.');
    this.name = 'NeedMoreData';
  }
}

/**
 * A cursor over a window of the file (bytes `buf` start at absolute offset
 * `base`). `complete` says the window reaches the end of the file, so running
 * off its end is a syntax error rather than a reason to read more.
 */
export class Cursor {
  readonly buf: Uint8Array;
  readonly base: number;
  readonly complete: boolean;
  pos: number;
  constructor(buf: Uint8Array, base: number, complete: boolean, pos = 0) {
    this.buf = buf;
    this.base = base;
    this.complete = complete;
    this.pos = pos;
  }

  /** Absolute offset of the cursor in the file. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Fails for running off the window: malformed at the end of the file, else a request for more. */
  end(what: string): never {
    if (this.complete)
      throw new PdfError('PDF_MALFORMED', `Unexpected end of file in ${what} at offset ${this.offset}.`);
    throw new NeedMoreData();
  }

  peek(ahead = 0): number | undefined {
    return this.buf[this.pos + ahead];
  }

  /** Skips whitespace and comments (§7.2.3). */
  skipWhite(): void {
    for (;;) {
      const b = this.buf[this.pos];
      if (b === undefined) {
        if (!this.complete) throw new NeedMoreData();
        return;
      }
      if (isWhite(b)) this.pos++;
      else if (b === 0x25) {
        while (this.pos < this.buf.length && this.buf[this.pos] !== 0x0a && this.buf[this.pos] !== 0x0d) this.pos++;
      } else return;
    }
  }

  /** Reads a run of regular characters (a keyword or number). */
  regular(): string {
    const start = this.pos;
    while (this.pos < this.buf.length && !isWhite(this.buf[this.pos]) && !isDelimiter(this.buf[this.pos])) this.pos++;
    if (this.pos === this.buf.length && !this.complete) throw new NeedMoreData();
    if (this.pos - start > 256)
      throw new PdfError('PDF_LIMIT_EXCEEDED', `Token longer than 256 bytes at offset ${this.base + start}.`);
    return latin1(this.buf, start, this.pos);
  }

  /** True and consumed when the next bytes are `word` followed by a non-regular byte. */
  keyword(word: string): boolean {
    for (let i = 0; i < word.length; i++) {
      const b = this.buf[this.pos + i];
      if (b === undefined) this.end(word);
      if (b !== word.charCodeAt(i)) return false;
    }
    const after = this.buf[this.pos + word.length];
    if (after === undefined && !this.complete) throw new NeedMoreData();
    if (after !== undefined && !isWhite(after) && !isDelimiter(after)) return false;
    this.pos += word.length;
    return true;
  }
}

/** Bytes `[start, end)` as a Latin-1 string, without copying them first (tokens are short: a loop beats a Buffer). */
export function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start > 32) return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('latin1');
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

/** Finds the last occurrence of `needle` in `hay` (byte search from the end). */
export function lastIndexOf(hay: Uint8Array, needle: string): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).lastIndexOf(needle, undefined, 'latin1');
}

/** Finds the first occurrence of `needle` in `hay` from `from`. */
export function indexOf(hay: Uint8Array, needle: string, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from, 'latin1');
}
