import { Client, type ItemBucketMetadata, LEGAL_HOLD_STATUS } from 'minio';
import { isSameDigest, sha256Hex } from './hashing-stream.ts';
import { silentLogger, type StorageLogger } from './logger.ts';
import { assertValidBucket, assertValidKey, assertValidMetadata } from './names.ts';
import { assertRangeShape } from './range.ts';
import { assertRetentionArgument } from './retention-rules.ts';
import { errorCode, toStorageError, type S3Operation } from './s3-errors.ts';
import { listAllVersions, toObjectInfo } from './s3-listing.ts';
import { uploadHashed } from './s3-upload.ts';
import { StorageError } from './errors.ts';
import type { ObjectStore, PutResult, Retention } from './types.ts';

export interface S3StoreOptions {
  /** `http://host:port` or `https://host:port` of the S3 service (MinIO, Versity, AWS). */
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region?: string;
  logger?: StorageLogger;
  /** Multipart part size for streamed bodies; default 16 MiB, so at most ~156 GiB per object (S3: 10,000 parts). */
  partSize?: number;
}

const noLockConfig = new Set([
  'NoSuchObjectLockConfiguration',
  'ObjectLockConfigurationNotFoundError',
  'InvalidRequest',
]);

/**
 * An `ObjectStore` over S3 with the `minio` client. Object Lock is enforced by the server
 * (S3 User Guide, "Locking objects with Object Lock"): this code never decides whether a
 * locked version may go, it only reports the server's refusal as `OBJECT_LOCKED`.
 *
 * `put` hashes the body while streaming it into a multipart upload, so memory stays at about
 * one part (`partSize`) whatever the size. The digest is known only after the upload, so it
 * is returned (for the caller's catalogue) rather than stored as `x-amz-meta-*` (that would
 * need a copy of the whole object). A version whose digest differs from `expectedSha256` is
 * removed; retention and legal hold are applied only after the digest matched, and a version
 * whose lock could not be applied is removed too. A buffer is hashed (and checked) before it
 * is sent, so its lock goes in the PUT itself (`x-amz-object-lock-*`): one request, not three.
 */
export function createS3Store(options: S3StoreOptions): ObjectStore {
  const url = new URL(options.endpoint);
  const useSSL = url.protocol === 'https:';
  const region = options.region ?? 'us-east-1';
  const logger = options.logger ?? silentLogger;
  const partSize = options.partSize ?? 16 * 1024 * 1024;
  // minio-js signs the payload's SHA-256 over plain HTTP with credentials (UNSIGNED-PAYLOAD over TLS).
  const signsPayload = !useSSL && options.accessKey !== '' && options.secretKey !== '';
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : useSSL ? 443 : 80,
    useSSL,
    accessKey: options.accessKey,
    secretKey: options.secretKey,
    region,
    pathStyle: true,
    partSize,
  });

  async function call<T>(operation: S3Operation, what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw toStorageError(error, operation, what);
    }
  }

  /** HEAD answers 404 without a body for both a missing key and a missing bucket; tell them apart. */
  async function refineNotFound(error: unknown, bucket: string): Promise<never> {
    if (error instanceof StorageError && error.code === 'OBJECT_NOT_FOUND' && errorCode(error.cause) === 'NotFound') {
      const exists = await call('bucket', bucket, () => client.bucketExists(bucket));
      if (!exists) throw new StorageError('BUCKET_NOT_FOUND', `${bucket}: no such bucket`, { cause: error.cause });
    }
    throw error;
  }

  /**
   * Buckets seen with Object Lock enabled (it cannot be disabled once enabled: S3 User Guide).
   * Versity S3 Gateway stores the object of a PUT with lock headers into a bucket without Object
   * Lock and only then refuses the lock; the bucket is checked first, so nothing is left behind.
   */
  const lockedBuckets = new Set<string>();
  async function assertObjectLockBucket(bucket: string, what: string): Promise<void> {
    if (lockedBuckets.has(bucket)) return;
    const lock = await call('bucket', bucket, async () => {
      // Typed as returning void in minio 8.0.7, but it is async and answers the parsed configuration.
      const config = client.getObjectLockConfig(bucket) as unknown as Promise<{ objectLockEnabled?: string }>;
      return config.catch((error: unknown) => {
        if (noLockConfig.has(errorCode(error) ?? '')) return undefined;
        throw error;
      });
    });
    if (lock?.objectLockEnabled !== 'Enabled')
      throw new RangeError(`${what}: the bucket was not created with Object Lock`);
    lockedBuckets.add(bucket);
  }

  const version = (versionId: string | undefined): { versionId?: string } =>
    versionId === undefined || versionId === 'null' ? {} : { versionId };

  return {
    async ensureBucket(bucket, opts = {}) {
      assertValidBucket(bucket);
      await call('bucket', bucket, async () => {
        if (!(await client.bucketExists(bucket))) {
          try {
            await client.makeBucket(bucket, region, { ObjectLocking: opts.objectLocking === true });
          } catch (error) {
            if (errorCode(error) !== 'BucketAlreadyOwnedByYou') throw error;
          }
        }
        if (opts.versioning || opts.objectLocking) await client.setBucketVersioning(bucket, { Status: 'Enabled' });
        if (opts.objectLocking) {
          // Typed as returning void in minio 8.0.7, but it is async and answers the parsed configuration.
          const config = client.getObjectLockConfig(bucket) as unknown as Promise<{ objectLockEnabled?: string }>;
          const lock = await config.catch(() => undefined);
          if (lock?.objectLockEnabled !== 'Enabled')
            logger.warn({ bucket }, 'bucket exists without Object Lock; retention will be refused');
        }
      });
    },

    async put(bucket, key, body, opts = {}): Promise<PutResult> {
      assertValidBucket(bucket);
      assertValidKey(key);
      assertValidMetadata(opts.metadata ?? {});
      if (opts.retention) assertRetentionArgument(opts.retention, new Date());
      const what = `${bucket}/${key}`;
      // A buffer is hashed once: checked here before any byte is sent, then signed with.
      const bufferSha256 = Buffer.isBuffer(body) ? sha256Hex(body) : undefined;
      if (
        bufferSha256 !== undefined &&
        opts.expectedSha256 !== undefined &&
        !isSameDigest(opts.expectedSha256, bufferSha256)
      ) {
        throw new StorageError('CHECKSUM_MISMATCH', `${what}: the body does not hash to ${opts.expectedSha256}`);
      }
      const meta: ItemBucketMetadata = { 'Content-Type': opts.contentType ?? 'application/octet-stream' };
      for (const [name, value] of Object.entries(opts.metadata ?? {})) meta[`x-amz-meta-${name}`] = value;
      // A buffer's SHA-256 is known (and checked against expectedSha256) before any byte is sent,
      // so the lock can go in the same PUT and still cover checked bytes only; over plain HTTP the
      // server also checks the bytes it receives against it (the signed x-amz-content-sha256).
      const lockInPut = bufferSha256 !== undefined && (opts.retention !== undefined || opts.legalHold === true);
      if (lockInPut) {
        await assertObjectLockBucket(bucket, what);
        if (opts.retention) {
          meta['x-amz-object-lock-mode'] = opts.retention.mode;
          meta['x-amz-object-lock-retain-until-date'] = opts.retention.retainUntil.toISOString();
        }
        if (opts.legalHold) meta['x-amz-object-lock-legal-hold'] = 'ON';
      }
      const stored = await call('write', what, () =>
        uploadHashed(client, bucket, key, body, meta, partSize, signsPayload, bufferSha256),
      );
      const versionId = stored.versionId ?? 'null';
      const remove = async (why: string): Promise<void> => {
        await client.removeObject(bucket, key, version(versionId)).catch((error: unknown) => {
          logger.error({ bucket, key, versionId, err: error }, `could not remove a rejected version (${why})`);
        });
      };
      if (opts.expectedSha256 !== undefined && !isSameDigest(opts.expectedSha256, stored.sha256)) {
        await remove('checksum mismatch');
        throw new StorageError(
          'CHECKSUM_MISMATCH',
          `${what}: expected SHA-256 ${opts.expectedSha256}, got ${stored.sha256}`,
        );
      }
      try {
        if (opts.retention && !lockInPut) await this.setRetention(bucket, key, versionId, opts.retention);
        if (opts.legalHold && !lockInPut) await this.setLegalHold(bucket, key, versionId, true);
      } catch (error) {
        // Without its lock the version must not stay; once a retention holds, the server keeps it anyway.
        await remove('lock not applied');
        throw error;
      }
      logger.debug({ bucket, key, versionId, size: stored.size }, 'object stored');
      return { key, versionId, size: stored.size, sha256: stored.sha256 };
    },

    async get(bucket, key, opts = {}) {
      const info = await this.stat(bucket, key, opts);
      const what = `${bucket}/${key}`;
      if (opts.range === undefined) {
        return { info, body: await call('read', what, () => client.getObject(bucket, key, version(info.versionId))) };
      }
      assertRangeShape(opts.range);
      const { start, end } = opts.range;
      const body = await call('read', what, () =>
        client.getPartialObject(bucket, key, start, end - start + 1, version(info.versionId)),
      );
      return { info, body };
    },

    async stat(bucket, key, opts = {}) {
      assertValidBucket(bucket);
      assertValidKey(key);
      const stat = await call('read', `${bucket}/${key}`, () =>
        client.statObject(bucket, key, version(opts.versionId)),
      ).catch((error: unknown) => refineNotFound(error, bucket));
      return toObjectInfo(key, stat);
    },

    async listVersions(bucket, prefix) {
      assertValidBucket(bucket);
      return call('read', bucket, () => listAllVersions(client, bucket, prefix));
    },

    async delete(bucket, key, opts = {}) {
      assertValidBucket(bucket);
      assertValidKey(key);
      await call('delete', `${bucket}/${key}`, () => client.removeObject(bucket, key, version(opts.versionId)));
    },

    async setRetention(bucket, key, versionId, retention) {
      assertRetentionArgument(retention, new Date());
      await call('retention', `${bucket}/${key}`, () =>
        client.putObjectRetention(bucket, key, {
          versionId: exact(versionId),
          mode: retention.mode,
          retainUntilDate: retention.retainUntil.toISOString(),
        }),
      );
    },

    async getRetention(bucket, key, versionId) {
      try {
        const answer = await client.getObjectRetention(bucket, key, { versionId: exact(versionId) });
        if (!answer?.mode || !answer.retainUntilDate) return undefined;
        return { mode: String(answer.mode) as Retention['mode'], retainUntil: new Date(answer.retainUntilDate) };
      } catch (error) {
        if (noLockConfig.has(errorCode(error) ?? '')) return undefined;
        // minio 8.0.7 expects <Retention>; Versity answers <ObjectLockRetention>: read it ourselves.
        if (error instanceof TypeError)
          return call('read', `${bucket}/${key}`, () => readRetentionXml(client, bucket, key, versionId));
        throw toStorageError(error, 'read', `${bucket}/${key}`);
      }
    },

    async setLegalHold(bucket, key, versionId, on) {
      await call('legal-hold', `${bucket}/${key}`, async () => {
        const status = on ? LEGAL_HOLD_STATUS.ENABLED : LEGAL_HOLD_STATUS.DISABLED;
        // Typed as returning void in minio 8.0.7, but it is async: await it.
        await (client.setObjectLegalHold(bucket, key, { ...version(versionId), status }) as unknown as Promise<void>);
      });
    },

    async getLegalHold(bucket, key, versionId) {
      try {
        // minio 8.0.7 returns the parsed <LegalHold> element, typed as the bare status.
        const answer = (await client.getObjectLegalHold(bucket, key, { versionId: exact(versionId) })) as unknown as
          { Status?: string } | undefined;
        return answer?.Status === 'ON';
      } catch (error) {
        if (noLockConfig.has(errorCode(error) ?? '')) return false;
        throw toStorageError(error, 'read', `${bucket}/${key}`);
      }
    },

    async ping() {
      try {
        await client.listBuckets();
      } catch (error) {
        throw new StorageError('STORAGE_UNAVAILABLE', `object store at ${options.endpoint} did not answer`, {
          cause: error,
        });
      }
    },
  };
}

/** The version id for calls that require one; S3's `null` version is addressed by leaving it out. */
function exact(versionId: string): string {
  return versionId === 'null' ? '' : versionId;
}

/** GetObjectRetention (S3 API Reference) read without the client's parser, accepting either root element. */
async function readRetentionXml(
  client: Client,
  bucket: string,
  key: string,
  versionId: string,
): Promise<Retention | undefined> {
  const query = versionId === 'null' ? 'retention' : `retention&versionId=${encodeURIComponent(versionId)}`;
  const response = await client.makeRequestAsync({ method: 'GET', bucketName: bucket, objectName: key, query });
  let xml = '';
  for await (const chunk of response) xml += String(chunk);
  const mode = /<Mode>\s*(COMPLIANCE|GOVERNANCE)\s*<\/Mode>/.exec(xml)?.[1];
  const until = /<RetainUntilDate>\s*([^<\s]+)\s*<\/RetainUntilDate>/.exec(xml)?.[1];
  if ((mode !== 'COMPLIANCE' && mode !== 'GOVERNANCE') || until === undefined) return undefined;
  return { mode, retainUntil: new Date(until) };
}
