/**
 * An uploaded PDF written to a private temporary file while its SHA-256 and length are
 * computed: the PDF must be opened by offset (libs/pdf reads from a byte source) before
 * anything is kept, so the bytes go to disk first and to the object store only once they
 * have passed. Memory stays flat whatever the size; beyond `maxBytes` the copy stops at
 * once with 413 and the file is removed.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';

/** A spooled upload: where it is, its digest and length; `remove` deletes it (idempotent). */
export interface SpooledUpload {
  path: string;
  sha256: string;
  size: number;
  remove(): Promise<void>;
}

/** Copies `body` to a temporary file, refusing it (413 DOCUMENT_TOO_LARGE) beyond `maxBytes`. */
export async function spoolUpload(body: Readable, maxBytes: number): Promise<SpooledUpload> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-intake-upload-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  const path = join(dir, 'content.pdf');
  const hash = createHash('sha256');
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > maxBytes) {
        done(
          new AppError(intakeErrors.DOCUMENT_TOO_LARGE, {
            detail: `The PDF is larger than ${maxBytes} bytes (LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES). Nothing was stored.`,
            extra: { limit: maxBytes },
          }),
        );
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(body, count, createWriteStream(path, { mode: 0o600 }));
  } catch (error) {
    await remove();
    throw error;
  }
  return { path, sha256: hash.digest('hex'), size, remove };
}
