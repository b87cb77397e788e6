import type { PdfDocument } from './document.ts';
import { PdfError } from './errors.ts';
import { pdfArray, pdfDict, pdfName, pdfStream, type PdfDict, type PdfObject } from './objects.ts';
import { indirectObject, serializeObject } from './serialize.ts';
import type { PdfSink } from './source.ts';

/**
 * A pre-serialised indirect object: `body` is what goes between `num 0 obj`
 * and `endobj` (a dictionary, or a dictionary followed by `stream … endstream`).
 * Appearance builders hand their objects over in this form.
 */
export interface RawObject {
  readonly num: number;
  readonly body: Uint8Array;
}

/** The bytes of one new revision and where each of its objects starts (absolute offsets). */
export interface BuiltUpdate {
  readonly bytes: Uint8Array;
  /** Absolute offset of the revision's first byte (the old file's size). */
  readonly base: number;
  readonly offsets: ReadonlyMap<number, number>;
  readonly xrefOffset: number;
}

const TRAILER_KEPT = ['Root', 'Info', 'ID'];

/**
 * An incremental update (ISO 32000-1 §7.5.6): new and changed objects
 * appended after the original bytes, a cross-reference section of the same
 * kind as the newest one (table or stream), and a trailer with /Prev, /Size,
 * /Root, /Info and /ID kept. The original bytes are never changed.
 */
export class IncrementalUpdate {
  readonly doc: PdfDocument;
  private next: number;
  private readonly objects = new Map<number, Uint8Array>();

  constructor(doc: PdfDocument) {
    this.doc = doc;
    this.next = doc.size;
  }

  /** A fresh object number (above every number the file uses). */
  allocate(): number {
    return this.next++;
  }

  /** Puts a new or changed object into the update. */
  set(num: number, obj: PdfObject): void {
    this.objects.set(num, serializeObject(obj));
  }

  /** Puts a pre-serialised object into the update (see {@link RawObject}). */
  setRaw(objects: readonly RawObject[]): void {
    for (const o of objects) {
      if (!Number.isSafeInteger(o.num) || o.num <= 0)
        throw new PdfError('PDF_INVALID_ARGUMENT', `Object number ${o.num}.`);
      this.objects.set(o.num, o.body);
      if (o.num >= this.next) this.next = o.num + 1;
    }
  }

  /** Whether the update changes or adds this object. */
  has(num: number): boolean {
    return this.objects.has(num);
  }

  /** Serialises the revision to append after `base` bytes (`newline` when the old file does not end with an EOL). */
  build(base: number, newline: boolean): BuiltUpdate {
    const parts: Uint8Array[] = [];
    let at = base;
    const push = (b: Uint8Array | string): void => {
      const bytes = typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
      parts.push(bytes);
      at += bytes.length;
    };
    if (newline) push('\n');
    const offsets = new Map<number, number>();
    const last = this.doc.lastSection;
    const streamNum = last.kind === 'stream' ? this.allocate() : undefined;
    for (const num of [...this.objects.keys()].sort((a, b) => a - b)) {
      offsets.set(num, at);
      push(indirectObject(num, this.doc.generationOf(num), this.objects.get(num)!));
    }
    const trailer = pdfDict();
    for (const k of TRAILER_KEPT) {
      const v = this.doc.trailer.entries.get(k);
      if (v !== undefined) trailer.entries.set(k, v);
    }
    trailer.entries.set('Prev', last.offset);
    trailer.entries.set('Size', Math.max(this.doc.size, this.next));
    const xrefOffset = at;
    if (streamNum === undefined) push(this.table(offsets, trailer));
    else {
      offsets.set(streamNum, at);
      push(indirectObject(streamNum, 0, this.xrefStream(offsets, trailer)));
    }
    push(`startxref\n${xrefOffset}\n%%EOF\n`);
    return { bytes: Buffer.concat(parts), base, offsets, xrefOffset };
  }

  private runs(offsets: ReadonlyMap<number, number>): number[][] {
    const nums = [...offsets.keys()].sort((a, b) => a - b);
    const runs: number[][] = [];
    for (const n of nums) {
      const run = runs[runs.length - 1];
      if (run !== undefined && run[run.length - 1] === n - 1) run.push(n);
      else runs.push([n]);
    }
    return runs;
  }

  private table(offsets: ReadonlyMap<number, number>, trailer: PdfDict): string {
    let s = 'xref\n';
    for (const run of this.runs(offsets)) {
      s += `${run[0]} ${run.length}\n`;
      for (const n of run)
        s += `${String(offsets.get(n)).padStart(10, '0')} ${String(this.doc.generationOf(n)).padStart(5, '0')} n\r\n`;
    }
    return `${s}trailer\n${Buffer.from(serializeObject(trailer)).toString('latin1')}\n`;
  }

  private xrefStream(offsets: ReadonlyMap<number, number>, trailer: PdfDict): Uint8Array {
    const runs = this.runs(offsets);
    const nums = runs.flat();
    // Rows of /W [1 5 2]: type 1, a 5-byte offset (files up to 1 TB), a 2-byte generation.
    const data = new Uint8Array(nums.length * 8);
    nums.forEach((n, i) => {
      const off = offsets.get(n)!;
      const gen = this.doc.generationOf(n);
      data[i * 8] = 1;
      data[i * 8 + 1] = Math.floor(off / 2 ** 32) & 0xff;
      data[i * 8 + 2] = (off >>> 24) & 0xff;
      data[i * 8 + 3] = (off >>> 16) & 0xff;
      data[i * 8 + 4] = (off >>> 8) & 0xff;
      data[i * 8 + 5] = off & 0xff;
      data[i * 8 + 6] = (gen >> 8) & 0xff;
      data[i * 8 + 7] = gen & 0xff;
    });
    const dict = pdfDict({
      Type: pdfName('XRef'),
      W: pdfArray([1, 5, 2]),
      Index: pdfArray(runs.flatMap((r) => [r[0]!, r.length])),
    });
    for (const [k, v] of trailer.entries) dict.entries.set(k, v);
    return serializeObject(pdfStream(dict, data));
  }
}

/** Whether the file ends with an end-of-line (so a new revision can start right after it). */
export async function endsWithEol(sink: {
  size: number;
  read(p: number, l: number): Promise<Uint8Array>;
}): Promise<boolean> {
  if (sink.size === 0) return true;
  const last = (await sink.read(sink.size - 1, 1))[0];
  return last === 0x0a || last === 0x0d;
}

/** Builds the update against the sink's current end and appends it. */
export async function appendUpdate(update: IncrementalUpdate, sink: PdfSink): Promise<BuiltUpdate> {
  const built = update.build(sink.size, !(await endsWithEol(sink)));
  await sink.append(built.bytes);
  return built;
}
