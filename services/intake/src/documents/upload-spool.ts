/**
 * An uploaded PDF kept while its SHA-256 and length are computed, before anything is
 * stored: the PDF must be opened by offset (libs/pdf reads from a byte source) before it
 * is accepted. A PDF of ordinary size stays in memory, one buffer shared with the worker
 * that checks it (no file written, read back and removed); one beyond `memoryBytes`, or
 * arriving while the process-wide memory budget is spent, goes on to a private temporary
 * file. Memory thus stays bounded whatever the size and the number of uploads; beyond
 * `maxBytes` the copy stops at once with 413 and whatever was kept is let go.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { AppError } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';

/** A spooled upload: its digest and length, its bytes (in memory or in a file); `remove` lets them go (idempotent). */
export interface SpooledUpload {
  sha256: string;
  size: number;
  /** The bytes when they were kept in memory (over a SharedArrayBuffer: a worker reads them without a copy). */
  bytes: Buffer | undefined;
  /** The temporary file when they were not. */
  path: string | undefined;
  /** The bytes to store: the buffer, or a new stream of the file. */
  body(): Buffer | Readable;
  remove(): Promise<void>;
}

/** What uploads kept in memory may hold at once, shared by every upload of the process. */
export interface MemoryBudget {
  /** Most bytes one upload keeps in memory; a larger one goes to a file. */
  readonly perUpload: number;
  /** Takes `bytes` from the budget; false (nothing taken) when it has not that much left. */
  take(bytes: number): boolean;
  /** Gives back what `take` took. */
  give(bytes: number): void;
  /** Bytes held now. */
  held(): number;
}

/** A budget of `total` bytes, at most `perUpload` of them for one upload. */
export function memoryBudget(total: number, perUpload: number): MemoryBudget {
  let held = 0;
  return {
    perUpload,
    take(bytes) {
      if (held + bytes > total) return false;
      held += bytes;
      return true;
    },
    give(bytes) {
      held = Math.max(0, held - bytes);
    },
    held: () => held,
  };
}

/** The process's budget: 64 MiB in all, 4 MiB for one upload (a signed document is rarely above a few MB). */
export const uploadMemory = memoryBudget(64 * 1024 * 1024, 4 * 1024 * 1024);

const tooLarge = (maxBytes: number) =>
  new AppError(intakeErrors.DOCUMENT_TOO_LARGE, {
    detail: `The PDF is larger than ${maxBytes} bytes (LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES). Nothing was stored.`,
    extra: { limit: maxBytes },
  });

/** A private temporary file being written; `failed` keeps the stream's first error (a full disk). */
interface SpoolFile {
  dir: string;
  path: string;
  stream: WriteStream;
  failed: Error | undefined;
}

async function openSpoolFile(): Promise<SpoolFile> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-intake-upload-'));
  const path = join(dir, 'content.pdf');
  const file: SpoolFile = { dir, path, stream: createWriteStream(path, { mode: 0o600 }), failed: undefined };
  file.stream.on('error', (error) => (file.failed ??= error));
  return file;
}

/** Writes `chunk`, waiting while the stream's buffer is full; throws the stream's error. */
async function write(file: SpoolFile, chunk: Buffer): Promise<void> {
  if (file.failed !== undefined) throw file.failed;
  if (file.stream.write(chunk)) return;
  await new Promise<void>((resolve, reject) => {
    const done = () => {
      file.stream.off('drain', done);
      file.stream.off('error', done);
      if (file.failed !== undefined) reject(file.failed);
      else resolve();
    };
    file.stream.on('drain', done);
    file.stream.on('error', done);
  });
}

/** Reads `body` to its end, in memory within `memory`, else to a temporary file; 413 DOCUMENT_TOO_LARGE beyond `maxBytes`. */
export async function spoolUpload(
  body: Readable,
  maxBytes: number,
  memory: MemoryBudget = uploadMemory,
): Promise<SpooledUpload> {
  const hash = createHash('sha256');
  let size = 0;
  let chunks: Buffer[] = [];
  let held = 0;
  let file: SpoolFile | undefined;
  const release = () => {
    memory.give(held);
    held = 0;
    chunks = [];
  };
  const discard = async () => {
    release();
    if (file === undefined) return;
    file.stream.destroy();
    await finished(file.stream).catch(() => undefined);
    await rm(file.dir, { recursive: true, force: true });
  };
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes) throw tooLarge(maxBytes);
      hash.update(chunk);
      if (file === undefined) {
        if (size <= memory.perUpload && memory.take(chunk.length)) {
          held += chunk.length;
          chunks.push(chunk);
          continue;
        }
        file = await openSpoolFile();
        for (const kept of chunks) await write(file, kept);
        release();
      }
      await write(file, chunk);
    }
    if (file !== undefined) {
      file.stream.end();
      await finished(file.stream);
    }
  } catch (error) {
    await discard();
    throw error;
  }
  const sha256 = hash.digest('hex');
  if (file !== undefined) {
    const { dir, path } = file;
    return {
      sha256,
      size,
      bytes: undefined,
      path,
      body: () => createReadStream(path),
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const bytes = Buffer.from(new SharedArrayBuffer(size));
  let at = 0;
  for (const kept of chunks) {
    kept.copy(bytes, at);
    at += kept.length;
  }
  let removed = false;
  return {
    sha256,
    size,
    bytes,
    path: undefined,
    body: () => bytes,
    remove: async () => {
      if (removed) return;
      removed = true;
      memory.give(held);
      held = 0;
    },
  };
}
