/**
 * File-backed sources and sinks: the only file of @lienthong/pdf that touches
 * the disk (node:fs/promises FileHandle, positional reads and writes). Every
 * other part of the PDF layer sees only {@link ByteSource} / {@link PdfSink}.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { PdfError } from './errors.ts';
import type { ByteSource, PdfSink } from './source.ts';

/** A source or sink that holds an open file; call `close()` when done. */
export interface Closable {
  close(): Promise<void>;
}

async function readIntoAt(fh: FileHandle, size: number, position: number, target: Uint8Array): Promise<number> {
  const start = Math.max(0, position);
  const n = Math.max(0, Math.min(size, start + target.length) - start);
  let done = 0;
  while (done < n) {
    const { bytesRead } = await fh.read(target, done, n - done, start + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function readAt(fh: FileHandle, size: number, position: number, length: number): Promise<Uint8Array> {
  const buf = new Uint8Array(Math.max(0, Math.min(size, Math.max(0, position) + length) - Math.max(0, position)));
  return buf.subarray(0, await readIntoAt(fh, size, position, buf));
}

/** Opens a file for reading as a {@link ByteSource}. */
export async function openFileSource(path: string): Promise<ByteSource & Closable> {
  const fh = await open(path, 'r');
  const { size } = await fh.stat();
  return {
    size,
    read: (position, length) => readAt(fh, size, position, length),
    readInto: (position, target) => readIntoAt(fh, size, position, target),
    close: () => fh.close(),
  };
}

async function sinkOn(fh: FileHandle, initialSize: number): Promise<PdfSink & Closable> {
  let size = initialSize;
  const writeAt = async (bytes: Uint8Array, position: number): Promise<void> => {
    let done = 0;
    while (done < bytes.length)
      done += (await fh.write(bytes, done, bytes.length - done, position + done)).bytesWritten;
  };
  return {
    get size() {
      return size;
    },
    read: (position, length) => readAt(fh, size, position, length),
    readInto: (position, target) => readIntoAt(fh, size, position, target),
    append: async (bytes) => {
      await writeAt(bytes, size);
      size += bytes.length;
    },
    patch: async (position, bytes) => {
      if (position < 0 || position + bytes.length > size)
        throw new PdfError('PDF_INVALID_ARGUMENT', `Patch at ${position} outside the ${size} bytes written.`);
      await writeAt(bytes, position);
    },
    truncate: async (to) => {
      if (to < 0 || to > size)
        throw new PdfError('PDF_INVALID_ARGUMENT', `Truncate to ${to} outside the ${size} bytes written.`);
      await fh.truncate(to);
      size = to;
    },
    close: () => fh.close(),
  };
}

/** Creates (or truncates) a file as an empty {@link PdfSink}. */
export async function createFileSink(path: string): Promise<PdfSink & Closable> {
  return sinkOn(await open(path, 'w+'), 0);
}

/** Opens an existing file as a {@link PdfSink} to append to or patch (the second step of two-step signing). */
export async function openFileSink(path: string): Promise<PdfSink & Closable> {
  const fh = await open(path, 'r+');
  return sinkOn(fh, (await fh.stat()).size);
}
