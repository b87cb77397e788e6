import { PdfError } from './errors.ts';
import { Cursor, NeedMoreData } from './lexer.ts';
import type { ByteSource } from './source.ts';

/** Largest window read to parse one object or xref table (not counting stream data). */
export const MAX_WINDOW = 32 * 1024 * 1024;

/**
 * Runs `parse` over a window of the source starting at `offset`, doubling the
 * window while the parser asks for more (bounded by {@link MAX_WINDOW}).
 * Returns the result and the absolute offset where parsing stopped.
 */
export async function parseAt<T>(
  source: ByteSource,
  offset: number,
  parse: (c: Cursor) => T,
  initial = 4096,
): Promise<{ value: T; end: number }> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size)
    throw new PdfError('PDF_XREF_INVALID', `Offset ${offset} is outside the file (${source.size} bytes).`);
  for (let size = initial; ; size *= 2) {
    const buf = await source.read(offset, size);
    const complete = offset + buf.length >= source.size;
    const c = new Cursor(buf, offset, complete);
    try {
      const value = parse(c);
      return { value, end: c.offset };
    } catch (e) {
      if (!(e instanceof NeedMoreData)) throw e;
      if (complete) throw new PdfError('PDF_MALFORMED', `Unexpected end of file after offset ${offset}.`);
      if (size >= MAX_WINDOW)
        throw new PdfError('PDF_LIMIT_EXCEEDED', `Object at offset ${offset} is larger than ${MAX_WINDOW} bytes.`);
    }
  }
}
