/** The archive's bucket: versioned, with S3 Object Lock (README "Store self-test"). */
import type { ObjectStore } from '@lienthong/storage';

/**
 * Creates the archive bucket with Object Lock enabled (S3 CreateBucket with
 * `x-amz-bucket-object-lock-enabled`, which implies versioning), or leaves an existing one
 * as it is. No default retention is set: each version gets its own (libs/storage README,
 * "Checksum first, lock after"). An existing bucket made without Object Lock stays without
 * it on S3; the store self-test then finds it and the archive does not start.
 */
export async function ensureArchiveBucket(store: ObjectStore, bucket: string): Promise<void> {
  await store.ensureBucket(bucket, { objectLocking: true, versioning: true });
}
