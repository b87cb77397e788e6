/** The store guard as the archive starts it (README "Store self-test"). */
import { AppError } from '@lienthong/service';
import { archiveErrors } from '../errors.ts';
import { ensureArchiveBucket } from './archive-bucket.ts';
import { createStoreGuard } from './store-guard.ts';
import type { StoreGuard, StoreGuardDeps } from './store-guard.ts';

/**
 * Makes the archive bucket, runs the store self-test once and starts its schedule. Throws
 * ARCHIVE_STORE_UNSAFE naming what the store let through when that first check fails, so
 * that the archive never starts (nor reports ready) on a store that would not keep records,
 * such as a bucket made without Object Lock.
 */
export async function openStoreGuard(deps: StoreGuardDeps): Promise<StoreGuard> {
  await ensureArchiveBucket(deps.store, deps.bucket);
  const guard = createStoreGuard(deps);
  const verdict = await guard.check();
  if (!verdict.safe) {
    throw new AppError(archiveErrors.ARCHIVE_STORE_UNSAFE, {
      detail: `the archive does not start: the bucket ${deps.bucket} failed the store self-test: ${verdict.problems.join('; ')}`,
    });
  }
  guard.start();
  return guard;
}
