import type { BucketItemStat, Client } from 'minio';
import type { ObjectInfo, ObjectVersion } from './types.ts';

/** Headers that `statObject` keeps but that are not user metadata. */
const standardHeaders = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
]);

/**
 * Turns a `statObject` answer into `ObjectInfo`: user metadata are the `x-amz-meta-*`
 * headers (the client strips the prefix), everything `x-amz-*` and standard is left out.
 */
export function toObjectInfo(key: string, stat: BucketItemStat): ObjectInfo {
  const metadata: Record<string, string> = {};
  let contentType = 'application/octet-stream';
  for (const [name, value] of Object.entries<unknown>(stat.metaData)) {
    const lower = name.toLowerCase();
    const text = Array.isArray(value) ? value.join(',') : String(value);
    if (lower === 'content-type') contentType = text;
    else if (!lower.startsWith('x-amz-') && !lower.startsWith('x-minio-') && !standardHeaders.has(lower))
      metadata[lower] = text;
  }
  return {
    key,
    versionId: stat.versionId ?? 'null',
    size: stat.size,
    contentType,
    metadata,
    lastModified: stat.lastModified,
  };
}

interface VersionItem {
  name?: string;
  versionId?: string | null;
  size?: number;
  lastModified?: Date;
  isLatest?: boolean;
  isDeleteMarker?: boolean;
}

/** Every version and delete marker under `prefix` (S3 ListObjectVersions), through the client's paging. */
export async function listAllVersions(client: Client, bucket: string, prefix: string): Promise<ObjectVersion[]> {
  const found: ObjectVersion[] = [];
  const stream = client.listObjects(bucket, prefix, true, { IncludeVersion: true });
  for await (const raw of stream) {
    const item = raw as VersionItem;
    if (item.name === undefined) continue;
    found.push({
      key: item.name,
      versionId: item.versionId ?? 'null',
      size: item.size ?? 0,
      lastModified: item.lastModified ?? new Date(0),
      isLatest: item.isLatest === true,
      isDeleteMarker: item.isDeleteMarker === true,
    });
  }
  return found;
}
