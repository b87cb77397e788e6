/**
 * Canaries must not pile up for ever: once a canary's retention has run out, its version
 * (and what the overwrite attempt left under its key) may go. Best effort: a version the
 * store still refuses to delete is left for a later run.
 */
import { isStorageError } from '@lienthong/storage';
import type { LibLogger } from '@lienthong/kit';
import type { ObjectStore } from '@lienthong/storage';
import { canaryPrefix } from './canary-test.ts';

/** Beyond the retention, so that a store whose clock runs a little behind ours has let go too. */
const graceMs = 60_000;
/** At most this many versions are removed per run (the next run goes on). */
const maxPerRun = 200;

/** What `removeExpiredCanaries` needs. */
export interface CanaryCleanupOptions {
  store: ObjectStore;
  bucket: string;
  now: Date;
  /** The canaries' retention: a version older than this (and a minute) is past it. */
  retentionMs: number;
  logger: LibLogger;
}

/**
 * Deletes the versions under `canary/` written longer ago than the canaries' retention;
 * returns how many went. Never throws: a failure is logged at warn level.
 */
export async function removeExpiredCanaries(options: CanaryCleanupOptions): Promise<number> {
  const { store, bucket, now, retentionMs, logger } = options;
  const before = now.getTime() - retentionMs - graceMs;
  let removed = 0;
  try {
    const versions = await store.listVersions(bucket, canaryPrefix);
    const expired = versions.filter((v) => v.lastModified.getTime() < before).slice(0, maxPerRun);
    for (const version of expired) {
      try {
        await store.delete(bucket, version.key, { versionId: version.versionId });
        removed += 1;
      } catch (error) {
        if (!isStorageError(error, 'OBJECT_LOCKED')) throw error;
      }
    }
  } catch (error) {
    logger.warn({ bucket, err: error }, 'could not remove expired store canaries; a later check tries again');
  }
  if (removed > 0) logger.debug({ bucket, removed }, 'expired store canaries removed');
  return removed;
}
