import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { StorageErrorCode } from '../src/index.ts';

/** A random bucket name, lowercase as S3 wants. */
export function randomBucket(): string {
  return `lt-test-${randomBytes(6).toString('hex')}`;
}

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Heap plus buffers after a full collection: what the process really holds. */
export function heldBytes(): number {
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

/**
 * A body of `size` random bytes made on the fly in 1 MiB chunks, with its SHA-256 known
 * once read, and the most memory held while it was being read.
 */
export function generatedBody(size: number): { stream: Readable; sha256: () => string; peakHeld: () => number } {
  const hash = createHash('sha256');
  let peak = 0;
  let sent = 0;
  let chunks = 0;
  const stream = new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      if (chunks++ % 8 === 0) peak = Math.max(peak, heldBytes());
      const chunk = randomBytes(Math.min(1024 * 1024, size - sent));
      hash.update(chunk);
      sent += chunk.length;
      this.push(chunk);
    },
  });
  return { stream, sha256: () => hash.digest('hex'), peakHeld: () => peak };
}

/** Reads a stream to its end, returning size and SHA-256 (and the bytes when small). */
export async function drain(body: Readable, keep = false): Promise<{ size: number; sha256: string; bytes: Buffer }> {
  const hash = createHash('sha256');
  let size = 0;
  const kept: Buffer[] = [];
  for await (const chunk of body) {
    const b = chunk as Buffer;
    hash.update(b);
    size += b.length;
    if (keep) kept.push(b);
  }
  return { size, sha256: hash.digest('hex'), bytes: Buffer.concat(kept) };
}

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A pattern for `t.rejects`: a StorageError with this code. */
export function storageError(code: StorageErrorCode): { name: string; code: StorageErrorCode } {
  return { name: 'StorageError', code };
}
