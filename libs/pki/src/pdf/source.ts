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
 * signature, §12.8.1); it is also readable, so the ByteRange digest is
 * computed by streaming the output back.
 */
export interface PdfSink extends ByteSource {
  append(bytes: Uint8Array): Promise<void>;
  patch(position: number, bytes: Uint8Array): Promise<void>;
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

/** An in-memory {@link PdfSink}; `bytes()` returns what was written. */
export interface MemorySink extends PdfSink {
  bytes(): Uint8Array;
}

/** Creates a growing in-memory {@link MemorySink}. */
export function memorySink(): MemorySink {
  let buf = new Uint8Array(64 * 1024);
  let size = 0;
  return {
    get size() {
      return size;
    },
    read: async (position, length) => buf.slice(Math.max(0, position), Math.min(size, position + length)),
    append: async (bytes) => {
      if (size + bytes.length > buf.length) {
        const next = new Uint8Array(Math.max(buf.length * 2, size + bytes.length));
        next.set(buf.subarray(0, size));
        buf = next;
      }
      buf.set(bytes, size);
      size += bytes.length;
    },
    patch: async (position, bytes) => {
      if (position < 0 || position + bytes.length > size) throw new PdfError('PDF_INVALID_ARGUMENT', `Patch at ${position} outside the ${size} bytes written.`);
      buf.set(bytes, position);
    },
    bytes: () => buf.slice(0, size),
  };
}

/** Streams `[start, end)` of a source in chunks to `each` (copying, hashing); a chunk is valid only during its call. */
export async function forEachChunk(source: ByteSource, start: number, end: number, each: (chunk: Uint8Array) => void | Promise<void>): Promise<void> {
  const scratch = source.readInto === undefined ? undefined : new Uint8Array(CHUNK);
  for (let pos = start; pos < end; ) {
    const want = Math.min(CHUNK, end - pos);
    const chunk = scratch === undefined ? await source.read(pos, want) : scratch.subarray(0, await source.readInto!(pos, scratch.subarray(0, want)));
    if (chunk.length === 0) throw new PdfError('PDF_MALFORMED', `The source ended at ${pos}, before ${end}.`);
    await each(chunk);
    pos += chunk.length;
  }
}

/** Copies a whole source to the end of a sink in chunks. */
export async function copySource(source: ByteSource, sink: PdfSink): Promise<void> {
  await forEachChunk(source, 0, source.size, (chunk) => sink.append(chunk));
}
