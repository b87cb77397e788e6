import { PdfBudget } from './budget.ts';
import { PdfError } from './errors.ts';
import { decodeStreamData, MAX_DECODED } from './filters.ts';
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
  /** The entries in use (offsets and compressed objects); free entries are in {@link freed}, as runs. */
  readonly entries: Map<number, XrefEntry>;
  /**
   * The object numbers this section marks free (or gives a type other than 1 and 2, to be read
   * as null, §7.5.8.3) and does not also list in use: they shadow older sections' entries.
   */
  readonly freed: FreeRuns;
  /** Offset just after the trailer dictionary or the xref stream object. */
  readonly end: number;
}

/** Most cross-reference sections followed through /Prev (a guard against endless chains). */
export const MAX_SECTIONS = 4096;
/**
 * Bytes of one xref table entry (§7.5.4). A subsection claiming more entries than the rest of
 * the file can hold is refused; the bound counts 18 bytes an entry, for writers that end
 * lines with a single byte where §7.5.4 asks for two.
 */
export const XREF_TABLE_ROW = 20;
const MIN_TABLE_ROW = XREF_TABLE_ROW - 2;

const n = (v: number): string => v.toLocaleString('en-US');

/**
 * Object numbers marked free, kept as sorted disjoint runs rather than one by one: the
 * 8,000,000 free rows of a hostile xref stream are one run. Each run counts as one entry
 * against `maxXrefEntries`.
 */
export class FreeRuns {
  private readonly starts: number[];
  private readonly ends: number[];

  /**
   * Runs `[start, end)`, in any order, overlapping or not, less the object numbers of
   * `inUse` (the section lists them in use: a later row, or the hidden stream of a hybrid
   * file, §7.5.8.4), so that a section's runs and entries never overlap.
   */
  constructor(runs: readonly (readonly [number, number])[] = [], inUse: Iterable<number> = []) {
    const sorted = [...runs].filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
    const merged: [number, number][] = [];
    for (const [a, b] of sorted) {
      const last = merged[merged.length - 1];
      if (last !== undefined && a <= last[1]) last[1] = Math.max(last[1], b);
      else merged.push([a, b]);
    }
    this.starts = [];
    this.ends = [];
    const holes = [...inUse].sort((x, y) => x - y);
    let h = 0;
    for (const [a, b] of merged) {
      let start = a;
      while (h < holes.length && holes[h]! < a) h++;
      for (; h < holes.length && holes[h]! < b; h++) {
        if (holes[h]! > start) {
          this.starts.push(start);
          this.ends.push(holes[h]!);
        }
        start = holes[h]! + 1;
      }
      if (start < b) {
        this.starts.push(start);
        this.ends.push(b);
      }
    }
  }

  /** Number of runs. */
  get count(): number {
    return this.starts.length;
  }

  /** True when some run frees an object other than 0 (object 0 is the head of the free list, never in use). */
  get beyondZero(): boolean {
    return this.ends.length > 0 && this.ends[this.ends.length - 1]! > 1;
  }

  /** True when `num` lies in a run. */
  has(num: number): boolean {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (this.starts[mid]! > num) hi = mid - 1;
      else if (this.ends[mid]! <= num) lo = mid + 1;
      else return true;
    }
    return false;
  }

  /** The runs, `[start, end)`, ascending. */
  *runs(): IterableIterator<[number, number]> {
    for (let i = 0; i < this.starts.length; i++) yield [this.starts[i]!, this.ends[i]!];
  }
}

/** Collects free object numbers as runs while rows are read in order. */
class RunCollector {
  readonly runs: [number, number][] = [];
  add(num: number): void {
    const last = this.runs[this.runs.length - 1];
    if (last !== undefined && last[1] === num) last[1]++;
    else this.runs.push([num, num + 1]);
  }
}

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

function parseTable(
  c: Cursor,
  size: number,
  budget: PdfBudget,
  offset: number,
): { entries: Map<number, XrefEntry>; free: RunCollector; trailer: PdfDict } {
  const left = budget.limits.maxXrefEntries - budget.xrefEntries;
  c.skipWhite();
  if (!c.keyword('xref')) throw new PdfError('PDF_XREF_INVALID', `No xref keyword at offset ${c.offset}.`);
  const entries = new Map<number, XrefEntry>();
  const free = new RunCollector();
  for (;;) {
    c.skipWhite();
    if (c.keyword('trailer')) {
      const trailer = parseObject(c, budget);
      if (!isDict(trailer)) throw new PdfError('PDF_XREF_INVALID', 'The trailer is not a dictionary.');
      return { entries, free, trailer };
    }
    const at = c.offset;
    const start = Number(c.regular());
    c.skipWhite();
    const count = Number(c.regular());
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(count) || start < 0 || count < 0)
      throw new PdfError('PDF_XREF_INVALID', `Bad xref subsection header at offset ${at}.`);
    const room = Math.floor((size - c.offset) / MIN_TABLE_ROW);
    if (count > room)
      throw new PdfError(
        'PDF_LIMIT_EXCEEDED',
        `The xref subsection at offset ${at} claims ${n(count)} entries; the ${n(size - c.offset)} bytes after it hold at most ${n(room)} (an entry is ${XREF_TABLE_ROW} bytes, counted as ${MIN_TABLE_ROW}).`,
      );
    for (let i = 0; i < count; i++) {
      c.skipWhite();
      const off = Number(c.regular());
      c.skipWhite();
      const gen = Number(c.regular());
      c.skipWhite();
      const t = c.regular();
      if (!Number.isSafeInteger(off) || !Number.isSafeInteger(gen) || (t !== 'n' && t !== 'f'))
        throw new PdfError('PDF_XREF_INVALID', `Bad xref entry at offset ${c.offset}.`);
      if (t === 'f') {
        entries.delete(start + i);
        free.add(start + i);
      } else entries.set(start + i, { type: 'offset', offset: off, gen });
      // Over the document's allowance: charging it fails and names the limit.
      if (entries.size + free.runs.length > left)
        budget.chargeXrefEntries(entries.size + free.runs.length, `The xref table at offset ${offset}`);
    }
  }
}

function readField(data: Uint8Array, at: number, width: number): number {
  let v = 0;
  for (let i = 0; i < width; i++) v = v * 256 + data[at + i]!;
  return v;
}

async function readXrefStream(source: ByteSource, offset: number, budget: PdfBudget): Promise<XrefSection> {
  const { value: obj } = await parseAt(source, offset, (c) => parseIndirect(c, budget));
  const dict = obj.object;
  if (!isDict(dict) || obj.streamOffset === undefined || !isName(dict.entries.get('Type'), 'XRef'))
    throw new PdfError('PDF_XREF_INVALID', `No xref table or xref stream at offset ${offset}.`);
  const length = dict.entries.get('Length');
  if (!isInteger(length) || length < 0 || obj.streamOffset + length > source.size)
    throw new PdfError('PDF_XREF_INVALID', `The xref stream at ${offset} has a bad /Length.`);
  const w = dict.entries.get('W');
  const widths = isArray(w) ? w.items : [];
  if (widths.length !== 3 || !widths.every((x) => isInteger(x) && x >= 0 && x <= 8))
    throw new PdfError('PDF_XREF_INVALID', 'Bad /W in an xref stream.');
  const [w0, w1, w2] = widths as [number, number, number];
  // Table 17: field 2 (an offset, an object stream's number) has no default, so it takes at least a byte.
  if (w1 === 0)
    throw new PdfError('PDF_XREF_INVALID', `The xref stream at ${offset} has /W [${w0} 0 ${w2}]: no field 2.`);
  const size = dict.entries.get('Size');
  const index = dict.entries.get('Index');
  const ranges = isArray(index) ? index.items : [0, size ?? 0];
  if (ranges.length % 2 !== 0 || !ranges.every((x) => isInteger(x) && x >= 0))
    throw new PdfError('PDF_XREF_INVALID', `Bad /Index in the xref stream at ${offset}.`);
  const counts = ranges as number[];
  let rows = 0;
  for (let r = 1; r < counts.length; r += 2) rows += counts[r]!;
  const rowLength = w0 + w1 + w2;
  const what = `the xref stream at offset ${offset}`;
  const data = decodeStreamData(dict, await source.read(obj.streamOffset, length), MAX_DECODED, budget, what);
  // Rows are bounded by the bytes that hold them: sum(/W) decoded bytes each.
  const room = Math.floor(data.length / rowLength);
  if (rows > room)
    throw new PdfError(
      'PDF_LIMIT_EXCEEDED',
      `The xref stream at offset ${offset} claims ${n(rows)} rows of ${rowLength} bytes; its ${n(data.length)} decoded bytes hold at most ${n(room)}.`,
    );
  // Rows of types 1 and 2 are kept; the others (free, or unknown types read as null, §7.5.8.3) become
  // runs. Both are counted before anything is kept, and charged: free rows cost a run, not a row.
  const inUse = (at: number): boolean => {
    const type = w0 === 0 ? 1 : readField(data, at, w0);
    return type === 1 || type === 2;
  };
  let kept = 0;
  let runs = 0;
  let at = 0;
  for (let r = 0; r + 1 < counts.length; r += 2) {
    let wasFree = false;
    for (let i = 0; i < counts[r + 1]!; i++, at += rowLength) {
      const used = inUse(at);
      if (used) kept++;
      else if (!wasFree) runs++;
      wasFree = !used;
    }
  }
  budget.chargeXrefEntries(kept + runs, `The xref stream at offset ${offset}`);
  const entries = new Map<number, XrefEntry>();
  const free = new RunCollector();
  at = 0;
  for (let r = 0; r + 1 < counts.length; r += 2) {
    const first = counts[r]!;
    const count = counts[r + 1]!;
    for (let i = 0; i < count; i++, at += rowLength) {
      const type = w0 === 0 ? 1 : readField(data, at, w0);
      const f2 = type === 1 || type === 2 ? readField(data, at + w0, w1) : 0;
      const f3 = type === 1 || type === 2 ? readField(data, at + w0 + w1, w2) : 0;
      if (type === 1) entries.set(first + i, { type: 'offset', offset: f2, gen: f3 });
      else if (type === 2) entries.set(first + i, { type: 'compressed', stream: f2, index: f3 });
      else {
        entries.delete(first + i);
        free.add(first + i);
      }
    }
  }
  return {
    offset,
    kind: 'stream',
    trailer: dict,
    entries,
    freed: new FreeRuns(free.runs, entries.keys()),
    end: obj.streamOffset + length,
  };
}

/**
 * Reads the section at `offset`: a table (with its /XRefStm for hybrid files, §7.5.8.4) or a
 * stream. Free entries are not kept; the entries in use are charged to `budget`.
 */
export async function readXrefSection(
  source: ByteSource,
  offset: number,
  budget: PdfBudget = new PdfBudget(source.size),
): Promise<XrefSection> {
  if (!Number.isSafeInteger(offset) || offset < 0 || offset >= source.size)
    throw new PdfError('PDF_XREF_INVALID', `The xref offset ${offset} is outside the file.`);
  const head = await source.read(offset, 8);
  if (Buffer.from(head).toString('latin1').startsWith('xref')) {
    const { value, end } = await parseAt(source, offset, (c) => parseTable(c, source.size, budget, offset), 64 * 1024);
    budget.chargeXrefEntries(value.entries.size + value.free.runs.length, `The xref table at offset ${offset}`);
    const runs = value.free.runs;
    const stm = value.trailer.entries.get('XRefStm');
    if (isInteger(stm)) {
      // §7.5.8.4: the hidden stream's entries count where the table lists the object free or not at all.
      const hidden = await readXrefStream(source, stm, budget);
      for (const [num, e] of hidden.entries) if (!value.entries.has(num)) value.entries.set(num, e);
      runs.push(...hidden.freed.runs());
    }
    // An object listed in use is not free, whatever a run says.
    const freed = new FreeRuns(runs, value.entries.keys());
    return { offset, kind: 'table', trailer: value.trailer, entries: value.entries, freed, end };
  }
  return readXrefStream(source, offset, budget);
}

/**
 * Follows startxref and the /Prev chain (§7.5.6), newest section first; a loop or bad offset
 * is PDF_XREF_INVALID, entries beyond `budget` PDF_LIMIT_EXCEEDED.
 */
export async function readXrefChain(
  source: ByteSource,
  budget: PdfBudget = new PdfBudget(source.size),
  start?: number,
): Promise<XrefSection[]> {
  const sections: XrefSection[] = [];
  const seen = new Set<number>();
  let offset: number | undefined = start ?? (await readStartXref(source));
  while (offset !== undefined) {
    if (seen.has(offset)) throw new PdfError('PDF_XREF_INVALID', `The /Prev chain loops back to offset ${offset}.`);
    if (sections.length >= MAX_SECTIONS)
      throw new PdfError('PDF_LIMIT_EXCEEDED', `More than ${MAX_SECTIONS} cross-reference sections.`);
    seen.add(offset);
    const section = await readXrefSection(source, offset, budget);
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

/**
 * The entries of a chain of sections (newest first) as a reader sees them (§7.5.6): for each
 * object, the newest section that lists it in use or frees it. Built once per document and
 * shared by its revision views: the view of an earlier revision reads the same sections from
 * its own on, nothing re-read or copied.
 */
export class XrefIndex {
  readonly sections: readonly XrefSection[];
  /**
   * Object number → the sections that list it, by index ascending (newest first): `i` in use
   * in section i, `~i` (negative) freed by section i while an older section has it in use.
   */
  private readonly holders = new Map<number, number | number[]>();

  /** Indexes `sections`; the free entries that hide older ones are found here once, each charged to `budget`. */
  constructor(sections: readonly XrefSection[], budget: PdfBudget = new PdfBudget(0)) {
    this.sections = sections;
    sections.forEach((s, i) => {
      for (const num of s.entries.keys()) {
        const h = this.holders.get(num);
        if (h === undefined) this.holders.set(num, i);
        else if (typeof h === 'number') this.holders.set(num, [h, i]);
        else h.push(i);
      }
    });
    if (!sections.some((s) => s.freed.beyondZero)) return;
    const nums = [...this.holders.keys()].sort((a, b) => a - b);
    sections.forEach((s, j) => {
      if (!s.freed.beyondZero) return;
      for (const [a, b] of s.freed.runs()) {
        let lo = 0;
        let hi = nums.length;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (nums[mid]! < a) lo = mid + 1;
          else hi = mid;
        }
        let k = lo;
        for (; k < nums.length && nums[k]! < b; k++) this.hide(nums[k]!, j);
        // Each object in use that a free run covers is work: charged like an entry kept.
        budget.chargeXrefEntries(k - lo, `The free entries of the xref section at offset ${s.offset}`);
      }
    });
  }

  /** Records that section `j` frees `num`, when an older section has it in use. */
  private hide(num: number, j: number): void {
    const h = this.holders.get(num)!;
    const list = typeof h === 'number' ? [h] : h;
    const at = list.findIndex((x) => (x >= 0 ? x : ~x) > j);
    if (at < 0) return;
    list.splice(at, 0, ~j);
    this.holders.set(num, list);
  }

  /** The entry of `num` in the chain that starts at section `from` (undefined: free or absent). */
  get(num: number, from = 0): XrefEntry | undefined {
    const h = this.holders.get(num);
    if (h === undefined) return undefined;
    if (typeof h === 'number') return h >= from ? this.sections[h]!.entries.get(num) : undefined;
    for (const x of h) {
      if ((x >= 0 ? x : ~x) < from) continue;
      return x >= 0 ? this.sections[x]!.entries.get(num) : undefined;
    }
    return undefined;
  }

  /** The object numbers in use in the chain from `from`. */
  *keys(from = 0): IterableIterator<number> {
    for (const num of this.holders.keys()) if (this.get(num, from) !== undefined) yield num;
  }
}

/** The entries in use of a chain from section `from` of an {@link XrefIndex}, as a read-only map. */
export class XrefEntries implements ReadonlyMap<number, XrefEntry> {
  private readonly index: XrefIndex;
  private readonly from: number;
  private count: number | undefined;

  constructor(index: XrefIndex, from = 0) {
    this.index = index;
    this.from = from;
  }

  get(num: number): XrefEntry | undefined {
    return this.index.get(num, this.from);
  }

  has(num: number): boolean {
    return this.get(num) !== undefined;
  }

  get size(): number {
    if (this.count === undefined) {
      let c = 0;
      for (const _ of this.index.keys(this.from)) c++;
      this.count = c;
    }
    return this.count;
  }

  *keys(): MapIterator<number> {
    yield* this.index.keys(this.from);
  }

  *values(): MapIterator<XrefEntry> {
    for (const num of this.index.keys(this.from)) yield this.get(num)!;
  }

  *entries(): MapIterator<[number, XrefEntry]> {
    for (const num of this.index.keys(this.from)) yield [num, this.get(num)!];
  }

  [Symbol.iterator](): MapIterator<[number, XrefEntry]> {
    return this.entries();
  }

  forEach(each: (value: XrefEntry, key: number, map: ReadonlyMap<number, XrefEntry>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) each.call(thisArg, v, k, this);
  }
}
