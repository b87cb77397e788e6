import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * A pass-through stream that hashes (SHA-256, FIPS 180-4) and counts the bytes flowing
 * through it, so that a body is checked while it streams and never held whole in memory.
 */
export class HashingCounter extends Transform {
  #hash = createHash('sha256');
  #bytes = 0;
  #digest: string | undefined;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.#hash.update(chunk);
    this.#bytes += chunk.length;
    callback(null, chunk);
  }

  /** Bytes seen so far. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Hex SHA-256 of everything seen; call once the stream has ended. */
  sha256(): string {
    this.#digest ??= this.#hash.digest('hex');
    return this.#digest;
  }
}

/** Hex SHA-256 of a buffer. */
export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Whether a caller's expected digest (hex, any case) matches. */
export function isSameDigest(expected: string, actual: string): boolean {
  return expected.trim().toLowerCase() === actual;
}
