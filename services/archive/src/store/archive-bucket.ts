/** The archive's bucket: versioned, with S3 Object Lock. Stub of the canary branch's file (same name and signature). */
import type { ObjectStore } from '@lienthong/storage';

/** Creates the archive bucket with Object Lock enabled (implies versioning), or leaves an existing one as it is. */
export async function ensureArchiveBucket(store: ObjectStore, bucket: string): Promise<void> {
  await store.ensureBucket(bucket, { objectLocking: true, versioning: true });
}
