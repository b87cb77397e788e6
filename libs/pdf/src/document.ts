import { PdfBudget, type PdfLimits } from './budget.ts';
import { PdfError } from './errors.ts';
import { decodeStreamData, MAX_DECODED } from './filters.ts';
import { Cursor, indexOf } from './lexer.ts';
import { parseAt } from './object-reader.ts';
import {
  isDict,
  isInteger,
  isRef,
  isStream,
  type PdfDict,
  type PdfObject,
  type PdfRef,
  type PdfStream,
} from './objects.ts';
import { parseIndirect, parseObject } from './parser.ts';
import { prefixSource, type ByteSource } from './source.ts';
import {
  readStartXref,
  readXrefChain,
  revisionEnd,
  XrefEntries,
  XrefIndex,
  type XrefEntry,
  type XrefSection,
} from './xref.ts';

/** One revision of the file (ISO 32000-1 §7.5.6): its xref section and where it ends (after its %%EOF). */
export interface Revision {
  /** 0 for the original document, then one per incremental update. */
  readonly index: number;
  readonly xrefOffset: number;
  readonly kind: 'table' | 'stream';
  readonly trailer: PdfDict;
  /** Byte offset just after this revision's `%%EOF` and its end-of-line, if any. */
  readonly end: number;
  /** Byte offset just after this revision's `%%EOF` (a signature may cover up to here or up to `end`). */
  readonly eof: number;
}

const OBJECT_CACHE = 4096;
const OBJSTM_VIEW_CACHE = 4;
/** Decoded object streams kept for a document and its views (the most recent one always). */
const OBJSTM_CACHE_BYTES = 32 * 1024 * 1024;
const MAX_REF_CHAIN = 32;

interface ObjectStream {
  /** The encoded data's place in the file: the same stream whichever revision view reads it. */
  readonly offset: number;
  readonly length: number;
  readonly offsets: number[];
  readonly nums: number[];
  readonly data: Uint8Array;
  readonly first: number;
}

/** What a document and its revision views share: the whole file, the budget, the xref index, decoded object streams. */
interface Shared {
  readonly source: ByteSource;
  readonly budget: PdfBudget;
  readonly index: XrefIndex;
  /** Keyed by the stream's data offset, least recently used first. */
  readonly objStreams: Map<number, ObjectStream>;
  objStreamBytes: number;
}

/** The revisions of a chain (oldest first); a linearized file's first-page section is not one (Annex F). */
async function revisionsOf(source: ByteSource, sections: readonly XrefSection[]): Promise<Revision[]> {
  const ordered = sections
    .filter((s) => !(isInteger(s.trailer.entries.get('Prev')) && (s.trailer.entries.get('Prev') as number) > s.offset))
    .sort((a, b) => a.offset - b.offset);
  const revisions: Revision[] = [];
  for (const s of ordered) {
    const { eof, end } = await revisionEnd(source, s);
    revisions.push({ index: revisions.length, xrefOffset: s.offset, kind: s.kind, trailer: s.trailer, eof, end });
  }
  return revisions;
}

/**
 * A read-only view of a PDF read on demand from a {@link ByteSource}: the
 * cross-reference data of every revision, the trailer of the newest, and
 * objects by number (object streams inflated as needed, with a small cache).
 * Memory is bounded by the number of objects, not the file size; the work is
 * bounded by the document's {@link PdfBudget}, shared with its revision views.
 */
export class PdfDocument {
  readonly source: ByteSource;
  /** Newest first, as the /Prev chain runs. */
  readonly sections: readonly XrefSection[];
  /** Oldest first. */
  readonly revisions: readonly Revision[];
  /** The trailer of the newest section (/Root, /Info, /ID, /Size). */
  readonly trailer: PdfDict;
  /** The entries in use, newest section first (free and absent objects are not in it). */
  readonly entries: ReadonlyMap<number, XrefEntry>;
  /** The limits and the work spent so far, shared with every revision view of this document. */
  readonly budget: PdfBudget;
  private readonly shared: Shared;
  private readonly cache = new Map<number, PdfObject>();
  private readonly objStreams = new Map<number, ObjectStream>();

  private constructor(source: ByteSource, shared: Shared, from: number, revisions: Revision[]) {
    this.source = source;
    this.shared = shared;
    this.budget = shared.budget;
    this.sections = from === 0 ? shared.index.sections : shared.index.sections.slice(from);
    this.revisions = revisions;
    this.trailer = this.sections[0]!.trailer;
    this.entries = new XrefEntries(shared.index, from);
  }

  /**
   * Reads the cross-reference chain and revisions of a PDF; throws PdfError for a broken or
   * encrypted file, PDF_LIMIT_EXCEEDED beyond `limits` (defaults scale with the file's size,
   * see {@link PdfLimits}) or a given budget.
   */
  static async open(source: ByteSource, limits: PdfLimits | PdfBudget = {}): Promise<PdfDocument> {
    if (source.size < 16) throw new PdfError('PDF_MALFORMED', 'The file is too short to be a PDF.');
    const head = Buffer.from(await source.read(0, 1024)).toString('latin1');
    if (!head.includes('%PDF-')) throw new PdfError('PDF_MALFORMED', 'No %PDF- header in the first kilobyte.');
    const budget = limits instanceof PdfBudget ? limits : new PdfBudget(source.size, limits);
    const sections = await readXrefChain(source, budget);
    if (sections[0]!.trailer.entries.has('Encrypt')) throw new PdfError('PDF_UNSUPPORTED', 'Encrypted PDF (§7.6).');
    const shared: Shared = {
      source,
      budget,
      index: new XrefIndex(sections, budget),
      objStreams: new Map(),
      objStreamBytes: 0,
    };
    return new PdfDocument(source, shared, 0, await revisionsOf(source, sections));
  }

  /**
   * The document as it was when `rev` was its last revision (everything up to its %%EOF, as
   * a reader given only those bytes sees it). It shares this document's cross-reference
   * sections, decoded object streams and budget: nothing is re-read or copied.
   */
  async revisionView(rev: Revision): Promise<PdfDocument> {
    const source = prefixSource(this.shared.source, rev.end);
    const start = await readStartXref(source);
    const from = this.shared.index.sections.findIndex((s) => s.offset === start);
    // A revision whose startxref names no section of the chain is read on its own (same budget).
    if (from < 0) return PdfDocument.open(source, this.shared.budget);
    const sections = this.shared.index.sections.slice(from);
    if (sections[0]!.trailer.entries.has('Encrypt')) throw new PdfError('PDF_UNSUPPORTED', 'Encrypted PDF (§7.6).');
    return new PdfDocument(source, this.shared, from, await revisionsOf(source, sections));
  }

  /** The highest object number + 1 over every section (the next update's /Size starts here). */
  get size(): number {
    let size = 0;
    for (const s of this.sections) {
      const v = s.trailer.entries.get('Size');
      if (isInteger(v)) size = Math.max(size, v);
    }
    for (const num of this.entries.keys()) size = Math.max(size, num + 1);
    return size;
  }

  /** The newest xref section, whose kind a new update repeats (§7.5.6). */
  get lastSection(): XrefSection {
    return this.sections[0]!;
  }

  /** The generation number of an object (0 when absent or compressed). */
  generationOf(num: number): number {
    const e = this.entries.get(num);
    return e?.type === 'offset' ? e.gen : 0;
  }

  /** The object with this number, or null when free or absent (§7.3.10). */
  async getObject(num: number): Promise<PdfObject> {
    const cached = this.cache.get(num);
    if (cached !== undefined) return cached;
    const entry = this.entries.get(num);
    let obj: PdfObject = null;
    if (entry?.type === 'offset') obj = await this.readAt(num, entry.offset);
    else if (entry?.type === 'compressed') obj = await this.readCompressed(num, entry.stream, entry.index);
    if (this.cache.size >= OBJECT_CACHE) this.cache.clear();
    this.cache.set(num, obj);
    return obj;
  }

  /** Follows references until a direct object (a chain longer than 32 is PDF_LIMIT_EXCEEDED). */
  async resolve(o: PdfObject | undefined): Promise<PdfObject> {
    let cur = o ?? null;
    for (let i = 0; isRef(cur); i++) {
      if (i >= MAX_REF_CHAIN) throw new PdfError('PDF_LIMIT_EXCEEDED', 'Reference chain longer than 32.');
      cur = await this.getObject(cur.num);
    }
    return cur;
  }

  /** Resolves to a dictionary (a stream's dictionary too) or undefined. */
  async resolveDict(o: PdfObject | undefined): Promise<PdfDict | undefined> {
    const r = await this.resolve(o);
    return isDict(r) ? r : isStream(r) ? r.dict : undefined;
  }

  /** The document catalog (§7.7.2); PDF_MALFORMED without one. */
  async catalog(): Promise<{ ref: PdfRef; dict: PdfDict }> {
    const root = this.trailer.entries.get('Root');
    const dict = isRef(root) ? await this.resolveDict(root) : undefined;
    if (!isRef(root) || dict === undefined) throw new PdfError('PDF_MALFORMED', 'The trailer has no /Root catalog.');
    return { ref: root, dict };
  }

  /** The encoded bytes of a stream read from the file (at most `max`). */
  async streamBytes(s: PdfStream, max = MAX_DECODED): Promise<Uint8Array> {
    if (s.data !== undefined) return s.data;
    const loc = s.location!;
    if (loc.length > max) throw new PdfError('PDF_LIMIT_EXCEEDED', `Stream of ${loc.length} bytes exceeds ${max}.`);
    return this.source.read(loc.offset, loc.length);
  }

  /** The decoded bytes of a stream (FlateDecode and predictors, §7.4), charged to the document's budget. */
  async decodeStream(s: PdfStream, max = MAX_DECODED): Promise<Uint8Array> {
    const what = s.location === undefined ? 'a stream' : `the stream at offset ${s.location.offset}`;
    return decodeStreamData(s.dict, await this.streamBytes(s, max), max, this.budget, what);
  }

  private async readAt(num: number, offset: number): Promise<PdfObject> {
    this.budget.chargeObject(num);
    const { value } = await parseAt(this.source, offset, (c) => parseIndirect(c, this.budget));
    if (value.num !== num)
      throw new PdfError(
        'PDF_XREF_INVALID',
        `The xref points object ${num} at offset ${offset}, which holds object ${value.num}.`,
      );
    if (value.streamOffset === undefined || !isDict(value.object)) return value.object;
    const length = await this.streamLength(value.object, value.streamOffset, num);
    return { kind: 'stream', dict: value.object, location: { offset: value.streamOffset, length } };
  }

  private async streamLength(dict: PdfDict, start: number, num: number): Promise<number> {
    let length = dict.entries.get('Length');
    if (isRef(length)) {
      if (length.num === num) throw new PdfError('PDF_MALFORMED', `Stream ${num} has its own /Length reference.`);
      length = await this.resolve(length);
    }
    if (isInteger(length) && length >= 0 && start + length <= this.source.size) {
      const after = Buffer.from(await this.source.read(start + length, 32)).toString('latin1');
      if (/^\s*endstream/.test(after)) return length;
    }
    // A wrong /Length: find endstream within a bounded distance rather than trust it.
    const limit = Math.min(this.source.size, start + MAX_DECODED);
    for (let pos = start; pos < limit; pos += 64 * 1024 - 16) {
      const chunk = await this.source.read(pos, 64 * 1024);
      const at = indexOf(chunk, 'endstream');
      if (at >= 0) {
        let end = pos + at;
        const before = await this.source.read(Math.max(start, end - 2), Math.min(2, end - start));
        for (let i = before.length - 1; i >= 0 && (before[i] === 0x0a || before[i] === 0x0d); i--) end--;
        return end - start;
      }
      if (chunk.length < 64 * 1024) break;
    }
    throw new PdfError('PDF_MALFORMED', `Stream ${num} has a bad /Length and no endstream.`);
  }

  private async readCompressed(num: number, streamNum: number, index: number): Promise<PdfObject> {
    const stm = await this.objectStream(streamNum);
    if (stm.nums[index] !== num)
      throw new PdfError(
        'PDF_XREF_INVALID',
        `Object stream ${streamNum} does not hold object ${num} at index ${index}.`,
      );
    const start = stm.first + stm.offsets[index]!;
    const end = index + 1 < stm.offsets.length ? stm.first + stm.offsets[index + 1]! : stm.data.length;
    if (start > stm.data.length || end < start)
      throw new PdfError('PDF_XREF_INVALID', `Bad offset of object ${num} in object stream ${streamNum}.`);
    this.budget.chargeObject(num);
    return parseObject(new Cursor(stm.data.subarray(start, end), 0, true), this.budget);
  }

  /** Loads an object stream (§7.5.7): header pairs then objects from /First. */
  private async objectStream(num: number): Promise<ObjectStream> {
    const mine = this.objStreams.get(num);
    if (mine !== undefined) return mine;
    const entry = this.entries.get(num);
    if (entry?.type !== 'offset') throw new PdfError('PDF_XREF_INVALID', `Object stream ${num} is not a plain object.`);
    const s = await this.readAt(num, entry.offset);
    if (!isStream(s)) throw new PdfError('PDF_XREF_INVALID', `Object ${num} is not an object stream.`);
    const loc = s.location!;
    const shared = this.shared;
    let stm = shared.objStreams.get(loc.offset);
    if (stm !== undefined && stm.length === loc.length) {
      shared.objStreams.delete(loc.offset);
      shared.objStreams.set(loc.offset, stm);
    } else {
      stm = await this.loadObjectStream(num, s);
      if (shared.objStreams.has(loc.offset)) shared.objStreamBytes -= shared.objStreams.get(loc.offset)!.data.length;
      shared.objStreams.delete(loc.offset);
      shared.objStreams.set(loc.offset, stm);
      shared.objStreamBytes += stm.data.length;
      for (const [key, old] of shared.objStreams) {
        if (shared.objStreamBytes <= OBJSTM_CACHE_BYTES || old === stm) break;
        shared.objStreams.delete(key);
        shared.objStreamBytes -= old.data.length;
      }
    }
    if (this.objStreams.size >= OBJSTM_VIEW_CACHE) this.objStreams.delete(this.objStreams.keys().next().value!);
    this.objStreams.set(num, stm);
    return stm;
  }

  private async loadObjectStream(num: number, s: PdfStream): Promise<ObjectStream> {
    const n = s.dict.entries.get('N');
    const first = s.dict.entries.get('First');
    if (!isInteger(n) || !isInteger(first) || n < 0 || n > 1_000_000 || first < 0)
      throw new PdfError('PDF_MALFORMED', `Object stream ${num} has a bad /N or /First.`);
    const what = `object stream ${num}`;
    const data = decodeStreamData(s.dict, await this.streamBytes(s), MAX_DECODED, this.budget, what);
    // The header holds N pairs of integers, at least 4 bytes a pair, before /First.
    if (first > data.length || 4 * n > first + 1)
      throw new PdfError('PDF_MALFORMED', `Object stream ${num} has a bad header (/N ${n}, /First ${first}).`);
    const c = new Cursor(data.subarray(0, first), 0, true);
    const int = (): number => {
      c.skipWhite();
      const token = c.regular();
      return /^\d{1,15}$/.test(token) ? Number(token) : NaN;
    };
    const nums: number[] = [];
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) {
      const a = int();
      const b = int();
      if (Number.isNaN(a) || Number.isNaN(b))
        throw new PdfError('PDF_MALFORMED', `Object stream ${num} has a bad header.`);
      nums.push(a);
      offsets.push(b);
    }
    return { offset: s.location!.offset, length: s.location!.length, nums, offsets, data, first };
  }
}
