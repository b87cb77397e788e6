/**
 * A pass-through that checks an object's bytes on the way out: it hashes them (SHA-256,
 * FIPS 180-4) and holds back the last chunk until the end, so a reader never receives the
 * complete object unless its length and SHA-256 are the ones recorded when it was written.
 * On a mismatch the stream fails (an HTTP response is cut short) and the last chunk is never
 * passed on. Used where a service hands out what it stored (delivery's inbox and evidence,
 * the archive's originals and exports).
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { StorageError } from './errors.ts';

/** The stream, and whether everything passed the check (true only once it ended). */
export interface VerifiedStream {
  stream: Transform;
  verified(): boolean;
}

/**
 * A stream that passes `byteLength` bytes hashing to `sha256` (lower-case hex) and fails on
 * anything else with `mismatch(detail)` (default: StorageError `CHECKSUM_MISMATCH`).
 */
export function verifiedStream(
  expected: { sha256: string; byteLength: number },
  mismatch: (detail: string) => Error = (detail) => new StorageError('CHECKSUM_MISMATCH', detail),
): VerifiedStream {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  let seen = 0;
  let ok = false;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > expected.byteLength) {
        done(mismatch(`the stored object is longer than ${expected.byteLength} bytes`));
        return;
      }
      hash.update(chunk);
      const previous = held;
      held = chunk;
      done(null, previous);
    },
    flush(done) {
      const digest = hash.digest('hex');
      if (seen !== expected.byteLength || digest !== expected.sha256) {
        done(mismatch(`the stored object has ${seen} bytes and SHA-256 ${digest}`));
        return;
      }
      ok = true;
      done(null, held);
    },
  });
  return { stream, verified: () => ok };
}
