import { isWhite, type ByteSource } from '@lienthong/pdf';
import { prefixSource } from './revision-diff.ts';

/** Most earlier %%EOF markers tried when the file as a whole cannot be read. */
export const MAX_EARLIER_REVISIONS = 100;

const CHUNK = 256 * 1024;
const MARKER = Buffer.from('%%EOF', 'latin1');

/** A revision boundary: the file cut after a `%%EOF` and its end-of-line. */
export interface EarlierRevision {
  /** Byte offset just after the `%%EOF` (and its end-of-line, if any). */
  readonly end: number;
  /** The file as it was with this revision as the last (ISO 32000-1 §7.5.6). */
  readonly source: ByteSource;
}

function endAfter(eof: number, next: Uint8Array, at: number): number {
  let end = eof;
  if (next[at] === 0x0d) end++;
  if (next[at + (end - eof)] === 0x0a) end++;
  return end;
}

/**
 * The ends of the revisions before the last `%%EOF` of the file, latest
 * first (ISO 32000-1 §7.5.6: an incremental update ends with its own
 * `%%EOF`), read backwards in chunks, at most {@link MAX_EARLIER_REVISIONS}.
 * A file whose last update cannot be read may still hold signed revisions
 * before it; each candidate is the file cut at one of these ends.
 */
export async function* earlierRevisions(source: ByteSource): AsyncGenerator<EarlierRevision> {
  const seen = new Set<number>();
  let hi = source.size;
  while (hi > 0 && seen.size < MAX_EARLIER_REVISIONS) {
    const lo = Math.max(0, hi - CHUNK);
    // Overlap so a marker across two chunks is seen; two bytes after it decide the end-of-line.
    const chunk = Buffer.from(await source.read(lo, Math.min(source.size, hi + MARKER.length + 2) - lo));
    let at = chunk.lastIndexOf(MARKER, hi - lo - 1);
    while (at >= 0 && seen.size < MAX_EARLIER_REVISIONS) {
      const end = endAfter(lo + at + MARKER.length, chunk, at + MARKER.length);
      // The end of the whole file (or only whitespace after it) is the state that already failed.
      if (!seen.has(end) && !(await onlyWhiteAfter(source, end))) yield { end, source: prefixSource(source, end) };
      seen.add(end);
      at = at === 0 ? -1 : chunk.lastIndexOf(MARKER, at - 1);
    }
    hi = lo;
  }
}

async function onlyWhiteAfter(source: ByteSource, end: number): Promise<boolean> {
  if (source.size - end > 64) return false;
  const tail = await source.read(end, source.size - end);
  return tail.every((b) => isWhite(b));
}
