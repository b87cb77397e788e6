import { PdfError } from './errors.ts';
import { decodeStreamData } from './filters.ts';
import { indexOf, lastIndexOf, type Cursor } from './lexer.ts';
import { parseAt } from './object-reader.ts';
import { isArray, isDict, isInteger, isName, type PdfDict } from './objects.ts';
import { parseIndirect, parseObject } from './parser.ts';
import type { ByteSource } from './source.ts';

/** A cross-reference entry (ISO 32000-1 §7.5.4, §7.5.8.3 Table 18). */
export type XrefEntry =
  | { readonly type: 'free' }
  | { readonly type: 'offset'; readonly offset: number; readonly gen: number }
  | { readonly type: 'compressed'; readonly stream: number; readonly index: number };

/** One cross-reference section with its trailer: a table (§7.5.4) or a stream (§7.5.8). */
export interface XrefSection {
  readonly offset: number;
  readonly kind: 'table' | 'stream';
  readonly trailer: PdfDict;
  readonly entries: Map<number, XrefEntry>;
  /** Offset just after the trailer dictionary or the xref stream object. */
  readonly end: number;
}

/** Most cross-reference sections followed through /Prev (a guard against endless chains). */
export const MAX_SECTIONS = 4096;
/** Most entries of one section. */
export const MAX_ENTRIES = 8_000_000;

/** Reads `startxref` from the last kilobytes of the file (§7.5.5). */
export async function readStartXref(source: ByteSource): Promise<number> {
  const tailStart = Math.max(0, source.size - 4096);
  const tail = await source.read(tailStart, source.size - tailStart);
  const at = lastIndexOf(tail, 'startxref');
  if (at < 0) throw new PdfError('PDF_XREF_INVALID', 'No startxref in the last 4 KB.');
  const m = /^startxref\s+(\d+)/.exec(Buffer.from(tail.subarray(at, at + 40)).toString('latin1'));
  if (m === null) throw new PdfError('PDF_XREF_INVALID', 'startxref is not followed by an offset.');
  return Number(m[1]);
}

function parseTable(c: Cursor): { entries: Map<number, XrefEntry>; trailer: PdfDict } {
  c.skipWhite();
  if (!c.keyword('xref')) throw new PdfError('PDF_XREF_INVALID', `No xref keyword at offset ${c.offset}.`);
  const entries = new Map<number, XrefEntry>();
  for (;;) {
    c.skipWhite();
    if (c.keyword('trailer')) {
      const trailer = parseObject(c);
      if (!isDict(trailer)) throw new PdfError('PDF_XREF_INVALID', 'The trailer is not a dictionary.');
      return { entries, trailer };
    }
    const start = Number(c.regular());
    c.skipWhite();
    const count = Number(c.regular());
    if (
      !Number.isSafeInteger(start) ||
      !Number.isSafeInteger(count) ||
      start < 0 ||
      count < 0 ||
      entries.size + count > MAX_ENTRIES
    )
      throw new PdfError('PDF_XREF_INVALID', `Bad xref subsection header at offset ${c.offset}.`);
    for (let i = 0; i < count; i++) {
      c.skipWhite();
      const off = Number(c.regular());
      c.skipWhite();
      const gen = Number(c.regular());
      c.skipWhite();
      const t = c.regular();
      if (!Number.isSafeInteger(off) || !Number.isSafeInteger(gen) || (t !== 'n' && t !== 'f'))
        throw new PdfError('PDF_XREF_INVALID', `Bad xref entry at offset ${c.offset}.`);
      entries.set(start + i, t === 'n' ? { type: 'offset', offset: off, gen } : { type: 'free' });
    }
  }
}

function readField(data: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
  return v;
}

async function readXrefStream(source: ByteSource, offset: number): Promise<XrefSection> {
  const { value: obj } = await parseAt(source, offset, parseIndirect);
  const dict = obj.object;
  if (!isDict(dict) || obj.streamOffset === undefined || !isName(dict.entries.get('Type'), 'XRef'))
    throw new PdfError('PDF_XREF_INVALID', `No xref table or xref stream at offset ${offset}.`);
  const length = dict.entries.get('Length');
  if (!isInteger(length) || length < 0 || obj.streamOffset + length > source.size)
    throw new PdfError('PDF_XREF_INVALID', `The xref stream at ${offset} has a bad /Length.`);
  const data = decodeStreamData(dict, await source.read(obj.streamOffset, length));
  const w = dict.entries.get('W');
  const widths = isArray(w) ? w.items : [];
  if (widths.length !== 3 || !widths.every((x) => isInteger(x) && x >= 0 && x <= 8))
    throw new PdfError('PDF_XREF_INVALID', 'Bad /W in an xref stream.');
  const [w0, w1, w2] = widths as [number, number, number];
  const size = dict.entries.get('Size');
  const index = dict.entries.get('Index');
  const ranges = isArray(index) ? index.items : [0, size ?? 0];
  const rowLength = w0 + w1 + w2;
  const entries = new Map<number, XrefEntry>();
  let at = 0;
  for (let r = 0; r + 1 < ranges.length; r += 2) {
    const first = ranges[r];
    const count = ranges[r + 1];
    if (!isInteger(first) || !isInteger(count) || first < 0 || count < 0 || entries.size + count > MAX_ENTRIES)
      throw new PdfError('PDF_XREF_INVALID', 'Bad /Index in an xref stream.');
    for (let i = 0; i < count; i++, at += rowLength) {
      if (at + rowLength > data.length)
        throw new PdfError('PDF_XREF_INVALID', 'The xref stream is shorter than its /Index says.');
      const type = w0 === 0 ? 1 : readField(data, at, w0);
      const f2 = readField(data, at + w0, w1);
      const f3 = readField(data, at + w0 + w1, w2);
      if (type === 1) entries.set(first + i, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(first + i, { type: 'compressed', stream: f2, index: f3 });
      else entries.set(first + i, { type: 'free' });
    }
  }
  return { offset, kind: 'stream', trailer: dict, entries, end: obj.streamOffset + length };
}

/** Reads the section at `offset`: a table (with its /XRefStm for hybrid files, §7.5.8.4) or a stream. */
export async function readXrefSection(source: ByteSource, offset: number): Promise<XrefSection> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size)
    throw new PdfError('PDF_XREF_INVALID', `The xref offset ${offset} is outside the file.`);
  const head = await source.read(offset, 8);
  if (Buffer.from(head).toString('latin1').startsWith('xref')) {
    const { value, end } = await parseAt(source, offset, parseTable, 64 * 1024);
    const stm = value.trailer.entries.get('XRefStm');
    if (isInteger(stm)) {
      const hidden = await readXrefStream(source, stm);
      for (const [num, e] of hidden.entries) {
        const mine = value.entries.get(num);
        if (mine === undefined || mine.type === 'free') value.entries.set(num, e);
      }
    }
    return { offset, kind: 'table', trailer: value.trailer, entries: value.entries, end };
  }
  return readXrefStream(source, offset);
}

/** Follows startxref and the /Prev chain (§7.5.6), newest section first; a loop or bad offset is PDF_XREF_INVALID. */
export async function readXrefChain(source: ByteSource): Promise<XrefSection[]> {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let offset: number | undefined = await readStartXref(source);
  while (offset !== undefined) {
    if (seen.has(offset)) throw new PdfError('PDF_XREF_INVALID', `The /Prev chain loops back to offset ${offset}.`);
    if (sections.length >= MAX_SECTIONS)
      throw new PdfError('PDF_LIMIT_EXCEEDED', `More than ${MAX_SECTIONS} cross-reference sections.`);
    seen.add(offset);
    const section = await readXrefSection(source, offset);
    sections.push(section);
    const prev = section.trailer.entries.get('Prev');
    offset = isInteger(prev) ? prev : undefined;
  }
  return sections;
}

/** Where the revision of a section ends: after the `%%EOF` (and its end-of-line) that follows it (§7.5.5). */
export async function revisionEnd(source: ByteSource, section: XrefSection): Promise<{ eof: number; end: number }> {
  const window = await source.read(section.end, 4096);
  const at = indexOf(window, '%%EOF');
  // Without a %%EOF (a damaged tail) the revision ends where its section does; a signature will then not match it.
  if (at < 0) return { eof: section.end, end: section.end };
  const eof = section.end + at + 5;
  let end = eof;
  if (window[at + 5] === 0x0d) end++;
  if (window[end - section.end] === 0x0a) end++;
  return { eof, end };
}
