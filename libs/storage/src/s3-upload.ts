import { createHash } from 'node:crypto';
import type { Client, ItemBucketMetadata } from 'minio';
import type { Readable } from 'node:stream';
import { sha256Hex } from './hashing-stream.ts';

/** What an upload stored: the server's version id (null without versioning), size and SHA-256. */
export interface Uploaded {
  versionId: string | null;
  size: number;
  sha256: string;
}

/** S3 allows at most 10,000 parts per upload (S3 API Reference, UploadPart). */
const maxParts = 10_000;

/**
 * Uploads a body while hashing it, holding at most one part in memory. A body that ends
 * within the first part goes as one PutObject with a known length (an empty body included,
 * which a multipart upload cannot carry); a longer one goes as a multipart upload
 * (S3 API Reference, CreateMultipartUpload / UploadPart / CompleteMultipartUpload) that is
 * aborted when the source fails. The upload is driven here rather than by
 * `client.putObject`, which would resume another unfinished upload of the same key.
 */
export async function uploadHashed(
  client: Client,
  bucket: string,
  key: string,
  body: Readable | Buffer,
  meta: ItemBucketMetadata,
  partSize: number,
  signsPayload = false,
  bufferSha256?: string,
): Promise<Uploaded> {
  if (Buffer.isBuffer(body)) return uploadBuffer(client, bucket, key, body, meta, signsPayload, bufferSha256);
  const hash = createHash('sha256');
  let size = 0;
  let part: Buffer[] = [];
  let partBytes = 0;
  let uploadId: string | undefined;
  const etags: { part: number; etag: string }[] = [];

  const sendPart = async (): Promise<void> => {
    const payload = Buffer.concat(part, partBytes);
    part = [];
    partBytes = 0;
    uploadId ??= await client.initiateNewMultipartUpload(bucket, key, meta);
    const partNumber = etags.length + 1;
    if (partNumber > maxParts) throw new RangeError(`body larger than ${maxParts} parts of ${partSize} bytes`);
    const md5 = createHash('md5').update(payload).digest('base64');
    const sent = await client.uploadPart(
      { bucketName: bucket, objectName: key, uploadID: uploadId, partNumber, headers: { 'Content-MD5': md5 } },
      payload,
    );
    etags.push({ part: partNumber, etag: sent.etag });
  };

  try {
    for await (const chunk of body) {
      const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
      hash.update(bytes);
      size += bytes.length;
      part.push(bytes);
      partBytes += bytes.length;
      if (partBytes >= partSize) await sendPart();
    }
    if (uploadId === undefined)
      return uploadBuffer(client, bucket, key, Buffer.concat(part, partBytes), meta, signsPayload, hash.digest('hex'));
    if (partBytes > 0) await sendPart();
    const done = await client.completeMultipartUpload(bucket, key, uploadId, etags);
    return { versionId: done.versionId ?? null, size, sha256: hash.digest('hex') };
  } catch (error) {
    if (uploadId !== undefined) await client.abortMultipartUpload(bucket, key, uploadId).catch(() => undefined);
    throw error;
  }
}

/**
 * One PutObject of `data`. Where the client signs the payload (plain HTTP with
 * credentials: SigV4's `x-amz-content-sha256`, which the server checks against the body),
 * the signature carries the SHA-256 computed here (or given, already computed by `put`)
 * instead of the client hashing the same bytes again with SHA-256 and MD5.
 */
async function uploadBuffer(
  client: Client,
  bucket: string,
  key: string,
  data: Buffer,
  meta: ItemBucketMetadata,
  signsPayload: boolean,
  sha256 = sha256Hex(data),
): Promise<Uploaded> {
  if (!signsPayload) {
    const info = await client.putObject(bucket, key, data, data.length, meta);
    return { versionId: info.versionId ?? null, size: data.length, sha256 };
  }
  const response = await client.makeRequestStreamAsync(
    { method: 'PUT', bucketName: bucket, objectName: key, headers: { ...meta, 'Content-Length': data.length } },
    data,
    sha256,
    [200],
    '',
  );
  for await (const chunk of response) void chunk;
  const versionId = response.headers['x-amz-version-id'];
  return { versionId: typeof versionId === 'string' && versionId !== '' ? versionId : null, size: data.length, sha256 };
}
