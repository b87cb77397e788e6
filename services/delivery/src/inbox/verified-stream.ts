/**
 * A pass-through that checks the bytes of a document on the way out: it hashes them and
 * holds back the last chunk until the end, so a reader never receives the complete
 * document unless its length and SHA-256 are the ones the issue recorded. On a mismatch
 * the stream fails (the HTTP response is cut short) and nothing is handed over.
 */
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import { AppError } from '@lienthong/service';
import { deliveryErrors } from '../errors.ts';

/** The stream, and whether everything passed the check (true only once it ended). */
export interface VerifiedStream {
  stream: Transform;
  verified(): boolean;
}

/** A stream that passes `byteLength` bytes hashing to `sha256` (hex) and fails on anything else. */
export function verifiedStream(expected: { sha256: string; byteLength: number }): VerifiedStream {
  const hash = createHash('sha256');
  let held: Buffer | undefined;
  let seen = 0;
  let ok = false;
  const mismatch = (detail: string) => new AppError(deliveryErrors.CONTENT_INTEGRITY_FAILED, { detail });
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
