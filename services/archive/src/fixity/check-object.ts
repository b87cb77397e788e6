/**
 * One fixity check: an archived object's version read back from one location through the
 * run's byte budget, its SHA-256 and length compared with what the archive recorded at ingest.
 */
import { createHash } from 'node:crypto';
import { isStorageError } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import type { TokenBucket } from './token-bucket.ts';

/** What a check finds: the bytes as recorded, other bytes, no such object or version, or no answer. */
export type FixityOutcome = 'ok' | 'mismatch' | 'missing' | 'unreadable';

/** An object as the archive recorded it (`archived_object`). */
export interface ObjectToCheck {
  recordId: string;
  name: string;
  bucket: string;
  key: string;
  versionId: string;
  sha256: string;
  size: number;
}

/** The result of one check. */
export interface FixityResult {
  outcome: FixityOutcome;
  /** What was read: null when nothing was (missing, unreadable before the first byte, length already wrong). */
  found: { sha256: string | null; size: number | null };
  /** Bytes read from the store (what the budget paid for). */
  bytesRead: number;
  /** Why the object could not be read (unreadable), or what differs (mismatch). */
  detail?: string;
}

/**
 * Reads `object`'s version from `store`, taking each chunk's length from `budget` before it
 * is hashed, and compares. A length other than recorded is a mismatch without reading the
 * bytes; a store error other than "no such object/version/bucket" is `unreadable` (the
 * store may be down: not evidence of loss). Undefined when `signal` stopped the read (the
 * archive closing): no outcome. Never throws.
 */
export async function checkObject(
  store: ObjectStore,
  budget: TokenBucket,
  object: ObjectToCheck,
  signal?: AbortSignal,
): Promise<FixityResult | undefined> {
  let got;
  try {
    got = await store.get(object.bucket, object.key, { versionId: object.versionId });
  } catch (error) {
    if (isStorageError(error, 'OBJECT_NOT_FOUND') || isStorageError(error, 'BUCKET_NOT_FOUND'))
      return { outcome: 'missing', found: { sha256: null, size: null }, bytesRead: 0 };
    return { outcome: 'unreadable', found: { sha256: null, size: null }, bytesRead: 0, detail: messageOf(error) };
  }
  if (got.info.size !== object.size) {
    got.body.destroy();
    return {
      outcome: 'mismatch',
      found: { sha256: null, size: got.info.size },
      bytesRead: 0,
      detail: `the store holds ${got.info.size} bytes, the archive recorded ${object.size}`,
    };
  }
  const hash = createHash('sha256');
  let bytesRead = 0;
  try {
    for await (const chunk of got.body as AsyncIterable<Buffer>) {
      if (signal?.aborted === true) {
        got.body.destroy();
        return undefined;
      }
      await budget.take(chunk.length);
      bytesRead += chunk.length;
      hash.update(chunk);
    }
  } catch (error) {
    got.body.destroy();
    return { outcome: 'unreadable', found: { sha256: null, size: null }, bytesRead, detail: messageOf(error) };
  }
  const sha256 = hash.digest('hex');
  if (bytesRead === object.size && sha256 === object.sha256)
    return { outcome: 'ok', found: { sha256, size: bytesRead }, bytesRead };
  return {
    outcome: 'mismatch',
    found: { sha256, size: bytesRead },
    bytesRead,
    detail:
      bytesRead === object.size
        ? 'the bytes hash to another SHA-256'
        : `read ${bytesRead} bytes, the archive recorded ${object.size}`,
  };
}

const messageOf = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 500);
