import { PdfError } from './errors.ts';

/**
 * Random-access input: a PDF is read by offset in bounded chunks (the
 * cross-reference data from the end, objects on demand), so memory does not
 * grow with the file's size. `read` returns fewer bytes only at the end.
 */
export interface ByteSource {
  readonly size: number;
  read(position: number, length: number): Promise<Uint8Array>;
  /** Optional: reads into `target` (a reused buffer), returns the byte count; lets chunked copies and digests run without garbage. */
  readInto?(position: number, target: Uint8Array): Promise<number>;
}

/**
 * Output of an incremental update (ISO 32000-1 §7.5.6): bytes are appended;
 * `patch` overwrites bytes already written (the /Contents placeholder of a
 * signature, §12.8.1); it is also readable, so a later step (the second of
 * two-step signing, a DSS revision) can open what was written.
 */
export interface PdfSink extends ByteSource {
  append(bytes: Uint8Array): Promise<void>;
  patch(position: number, bytes: Uint8Array): Promise<void>;
  /** Optional: a hint that about `bytes` more will be appended (an in-memory sink allocates once instead of growing). */
  reserve?(bytes: number): void;
  /** Optional: cuts what was written back to `size` bytes (a signature retried with a larger placeholder). */
  truncate?(size: number): Promise<void>;
}

/** Chunk size for copying and hashing: large enough for speed, small against a 64 MB budget. */
export const CHUNK = 256 * 1024;

/** A {@link ByteSource} over bytes in memory. */
export function memorySource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: async (position, length) => bytes.subarray(Math.max(0, position), Math.min(bytes.length, position + length)),
  };
}

/**
 * An in-memory {@link PdfSink}; `bytes()` returns what was written. Reads and
 * `bytes()` are views of the sink's buffer, not copies: a later `patch` shows
 * through them (a later `append` may move the buffer and leave them behind).
 */
export interface MemorySink extends PdfSink {
  bytes(): Uint8Array;
}

/** Slack reserved beyond a copied source: room for the signature revision a signature appends (its /Contents placeholder included). */
export const SINK_MARGIN = 64 * 1024;

/** A buffer without zero-filling (only bytes below the sink's size are ever exposed), as a plain Uint8Array. */
function uninitialised(length: number): Uint8Array {
  if (length === 0) return new Uint8Array(0);
  const b = Buffer.allocUnsafeSlow(length);
  return new Uint8Array(b.buffer, b.byteOffset, length);
}

/**
 * Creates an in-memory {@link MemorySink}; `capacity` bytes are allocated on
 * first use (or on `reserve`), then the buffer grows by half as needed.
 */
export function memorySink(capacity = 64 * 1024): MemorySink {
  let buf: Uint8Array = new Uint8Array(0);
  let size = 0;
  const grow = (needed: number, exact: boolean): void => {
    if (needed <= buf.length) return;
    const next = uninitialised(exact ? needed : Math.max(needed, capacity, Math.floor(buf.length * 1.5)));
    next.set(buf.subarray(0, size));
    buf = next;
  };
  return {
    get size() {
      return size;
    },
    read: async (position, length) =>
      buf.subarray(Math.max(0, Math.min(size, position)), Math.max(0, Math.min(size, position + length))),
    append: async (bytes) => {
      grow(size + bytes.length, false);
      buf.set(bytes, size);
      size += bytes.length;
    },
    patch: async (position, bytes) => {
      if (position < 0 || position + bytes.length > size)
        throw new PdfError('PDF_INVALID_ARGUMENT', `Patch at ${position} outside the ${size} bytes written.`);
      buf.set(bytes, position);
    },
    reserve: (bytes) => grow(size + Math.max(0, bytes), true),
    truncate: async (to) => {
      if (to < 0 || to > size)
        throw new PdfError('PDF_INVALID_ARGUMENT', `Truncate to ${to} outside the ${size} bytes written.`);
      size = to;
    },
    bytes: () => buf.subarray(0, size),
  };
}

/** Streams `[start, end)` of a source in chunks to `each` (copying, hashing); a chunk is valid only during its call. */
export async function forEachChunk(
  source: ByteSource,
  start: number,
  end: number,
  each: (chunk: Uint8Array) => void | Promise<void>,
): Promise<void> {
  const scratch = source.readInto === undefined ? undefined : new Uint8Array(CHUNK);
  for (let pos = start; pos < end;) {
    const want = Math.min(CHUNK, end - pos);
    const chunk =
      scratch === undefined
        ? await source.read(pos, want)
        : scratch.subarray(0, await source.readInto!(pos, scratch.subarray(0, want)));
    if (chunk.length === 0) throw new PdfError('PDF_MALFORMED', `The source ended at ${pos}, before ${end}.`);
    await each(chunk);
    pos += chunk.length;
  }
}

/**
 * Copies a whole source to the end of a sink in chunks (reserving room for it
 * and {@link SINK_MARGIN} first); `each` also sees every chunk (to hash while
 * copying, so the copy need not be read back).
 */
export async function copySource(source: ByteSource, sink: PdfSink, each?: (chunk: Uint8Array) => void): Promise<void> {
  sink.reserve?.(source.size + SINK_MARGIN);
  await forEachChunk(source, 0, source.size, async (chunk) => {
    each?.(chunk);
    await sink.append(chunk);
  });
}

/** The first `end` bytes of a source: the file as it was when the revision ending there was the last (§7.5.6). */
export function prefixSource(source: ByteSource, end: number): ByteSource {
  return {
    size: end,
    read: (position, length) =>
      position >= end ? Promise.resolve(new Uint8Array(0)) : source.read(position, Math.min(length, end - position)),
  };
}
