/**
 * Removes a test or bench bucket of the real MinIO with every version in it (the store's
 * interface has no bucket removal: a service never removes one), so runs leave nothing.
 */
import { Client } from 'minio';
import { testEnv } from '../../../test/support/env.ts';

/** A raw minio-js client on the test MinIO, as the benches' baselines use it. */
export function rawMinio(): Client {
  const url = new URL(testEnv.s3.endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
    useSSL: url.protocol === 'https:',
    accessKey: testEnv.s3.accessKey,
    secretKey: testEnv.s3.secretKey,
  });
}

/** Deletes every version and delete marker in `bucket`, then the bucket. */
export async function removeBucket(bucket: string): Promise<void> {
  const client = rawMinio();
  if (!(await client.bucketExists(bucket))) return;
  const versions: Array<{ name: string; versionId?: string }> = [];
  for await (const item of client.listObjects(bucket, '', true, { IncludeVersion: true })) {
    const o = item as { name?: string; versionId?: string | null };
    if (o.name !== undefined) versions.push({ name: o.name, ...(o.versionId ? { versionId: o.versionId } : {}) });
  }
  for (let i = 0; i < versions.length; i += 1000) await client.removeObjects(bucket, versions.slice(i, i + 1000));
  await client.removeBucket(bucket);
}
