import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  bucketPaths,
  decodeSidecar,
  encodeSidecar,
  isNotFound,
  objectDir,
  readIfExists,
  syncDir,
  tempName,
  toInfo,
  versionIds,
  writeFileAtomic,
  type BucketSettings,
  type FolderPaths,
  type Sidecar,
} from './folder-files.ts';
import { HashingCounter, isSameDigest } from './hashing-stream.ts';
import { createKeyedMutex } from './keyed-mutex.ts';
import { assertValidBucket, assertValidKey, assertValidMetadata } from './names.ts';
import { fitRange } from './range.ts';
import { assertRetentionArgument, assertRetentionChangeAllowed, assertVersionDeletable } from './retention-rules.ts';
import { StorageError } from './errors.ts';
import type { ObjectStore, ObjectVersion } from './types.ts';
import { createVersionIdGenerator, isFolderVersionId } from './version-id.ts';

export interface FolderStoreOptions {
  /** The folder that holds everything; created when missing. */
  dir: string;
  /** The store's notion of now, for retention; pass a fixed clock in tests. */
  clock?: () => Date;
}

/**
 * An `ObjectStore` in a folder on disk, for the embedded mode. It enforces S3 Object Lock
 * itself (S3 User Guide, "Locking objects with Object Lock"): every put on a versioned
 * bucket makes a new version; a version under active retention (COMPLIANCE, or GOVERNANCE
 * — no bypass is offered) or legal hold cannot be deleted; COMPLIANCE retention can only be
 * extended. Bytes are hashed while written to a temp file, fsynced and renamed into place;
 * a version exists once its JSON sidecar does. One process per folder.
 */
export function createFolderStore(options: FolderStoreOptions): ObjectStore {
  const clock = options.clock ?? (() => new Date());
  const nextVersionId = createVersionIdGenerator(() => clock().getTime());
  const serialize = createKeyedMutex();
  const { dir } = options;

  async function settings(bucket: string): Promise<{ paths: FolderPaths; settings: BucketSettings }> {
    assertValidBucket(bucket);
    const paths = bucketPaths(dir, bucket);
    const text = await readIfExists(paths.bucketFile);
    if (text === undefined) throw new StorageError('BUCKET_NOT_FOUND', `no bucket ${bucket}`);
    return { paths, settings: JSON.parse(text) as BucketSettings };
  }

  async function readVersion(
    bucket: string,
    key: string,
    versionId?: string,
  ): Promise<{ sidecar: Sidecar; where: string }> {
    assertValidKey(key);
    const { paths } = await settings(bucket);
    const where = objectDir(paths, key);
    const id = versionId ?? (await versionIds(where))[0];
    const missing = new StorageError(
      'OBJECT_NOT_FOUND',
      `no object ${bucket}/${key}${versionId ? ` version ${versionId}` : ''}`,
    );
    if (id === undefined || !isFolderVersionId(id)) throw missing;
    const text = await readIfExists(join(where, `${id}.json`));
    if (text === undefined) throw missing;
    const sidecar = decodeSidecar(text);
    if (sidecar.isDeleteMarker) throw missing;
    return { sidecar, where };
  }

  async function lockable(
    bucket: string,
    key: string,
    versionId: string,
  ): Promise<{ sidecar: Sidecar; where: string }> {
    const { settings: s } = await settings(bucket);
    if (!s.objectLocking) throw new RangeError(`bucket ${bucket} was not created with Object Lock`);
    return readVersion(bucket, key, versionId);
  }

  async function update(
    bucket: string,
    key: string,
    versionId: string,
    change: (s: Sidecar) => Sidecar,
  ): Promise<void> {
    await serialize(`${bucket}/${key}`, async () => {
      const { sidecar, where } = await lockable(bucket, key, versionId);
      await writeFileAtomic(join(where, `${versionId}.json`), where, encodeSidecar(change(sidecar)));
    });
  }

  return {
    async ensureBucket(bucket, opts = {}) {
      assertValidBucket(bucket);
      const paths = bucketPaths(dir, bucket);
      await serialize(bucket, async () => {
        await mkdir(paths.objectsDir, { recursive: true });
        const text = await readIfExists(paths.bucketFile);
        const old: BucketSettings = text
          ? (JSON.parse(text) as BucketSettings)
          : { versioning: false, objectLocking: false };
        const objectLocking = old.objectLocking || opts.objectLocking === true;
        const next: BucketSettings = {
          objectLocking,
          versioning: old.versioning || objectLocking || opts.versioning === true,
        };
        if (text === undefined || next.versioning !== old.versioning || next.objectLocking !== old.objectLocking) {
          await writeFileAtomic(paths.bucketFile, paths.bucketDir, JSON.stringify(next));
        }
      });
    },

    async put(bucket, key, body, opts = {}) {
      assertValidKey(key);
      assertValidMetadata(opts.metadata ?? {});
      const { paths, settings: s } = await settings(bucket);
      if ((opts.retention || opts.legalHold) && !s.objectLocking) {
        throw new RangeError(`bucket ${bucket} was not created with Object Lock`);
      }
      if (opts.retention) assertRetentionArgument(opts.retention, clock());
      const where = objectDir(paths, key);
      await mkdir(where, { recursive: true });
      if ((await readIfExists(join(where, 'key'))) === undefined) await writeFileAtomic(join(where, 'key'), where, key);

      const temp = tempName(where);
      const hasher = new HashingCounter();
      try {
        const source = Buffer.isBuffer(body) ? Readable.from([body]) : body;
        // flush: fsync before close, so the bytes are on disk before the rename publishes them.
        await pipeline(source, hasher, createWriteStream(temp, { flags: 'wx', flush: true }));
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      const sha256 = hasher.sha256();
      if (opts.expectedSha256 !== undefined && !isSameDigest(opts.expectedSha256, sha256)) {
        await unlink(temp).catch(() => undefined);
        throw new StorageError(
          'CHECKSUM_MISMATCH',
          `${bucket}/${key}: expected SHA-256 ${opts.expectedSha256}, got ${sha256}`,
        );
      }
      return serialize(`${bucket}/${key}`, async () => {
        const versionId = s.versioning ? nextVersionId() : 'null';
        const sidecar: Sidecar = {
          key,
          versionId,
          isDeleteMarker: false,
          size: hasher.bytes,
          sha256,
          contentType: opts.contentType ?? 'application/octet-stream',
          metadata: { ...opts.metadata },
          lastModified: clock(),
          retention: opts.retention,
          legalHold: opts.legalHold === true,
        };
        await rename(temp, join(where, `${versionId}.bin`));
        await writeFileAtomic(join(where, `${versionId}.json`), where, encodeSidecar(sidecar));
        return { key, versionId, size: sidecar.size, sha256 };
      });
    },

    async get(bucket, key, opts = {}) {
      const { sidecar, where } = await readVersion(bucket, key, opts.versionId);
      const info = toInfo(sidecar);
      const file = join(where, `${sidecar.versionId}.bin`);
      if (opts.range === undefined) return { info, body: createReadStream(file) };
      const range = fitRange(opts.range, sidecar.size);
      return { info, body: createReadStream(file, range) };
    },

    async stat(bucket, key, opts = {}) {
      return toInfo((await readVersion(bucket, key, opts.versionId)).sidecar);
    },

    async listVersions(bucket, prefix) {
      const { paths } = await settings(bucket);
      const found: ObjectVersion[] = [];
      for (const entry of await readdir(paths.objectsDir)) {
        const where = join(paths.objectsDir, entry);
        const key = await readIfExists(join(where, 'key'));
        if (key === undefined || !key.startsWith(prefix)) continue;
        const ids = await versionIds(where);
        for (const [index, id] of ids.entries()) {
          const text = await readIfExists(join(where, `${id}.json`));
          if (text === undefined) continue;
          const s = decodeSidecar(text);
          found.push({
            key,
            versionId: id,
            size: s.size,
            lastModified: s.lastModified,
            isLatest: index === 0,
            isDeleteMarker: s.isDeleteMarker,
          });
        }
      }
      return found.sort((a, b) => (a.key === b.key ? 0 : a.key < b.key ? -1 : 1));
    },

    async delete(bucket, key, opts = {}) {
      assertValidKey(key);
      const { paths, settings: s } = await settings(bucket);
      const where = objectDir(paths, key);
      await serialize(`${bucket}/${key}`, async () => {
        if (opts.versionId === undefined && s.versioning) {
          await mkdir(where, { recursive: true });
          if ((await readIfExists(join(where, 'key'))) === undefined)
            await writeFileAtomic(join(where, 'key'), where, key);
          const versionId = nextVersionId();
          const marker: Sidecar = {
            key,
            versionId,
            isDeleteMarker: true,
            size: 0,
            sha256: '',
            contentType: '',
            metadata: {},
            lastModified: clock(),
            legalHold: false,
          };
          await writeFileAtomic(join(where, `${versionId}.json`), where, encodeSidecar(marker));
          return;
        }
        const versionId = opts.versionId ?? 'null';
        if (!isFolderVersionId(versionId))
          throw new StorageError('OBJECT_NOT_FOUND', `no version ${versionId} of ${bucket}/${key}`);
        const text = await readIfExists(join(where, `${versionId}.json`));
        if (text === undefined) return; // S3 DeleteObject: deleting what is not there succeeds
        assertVersionDeletable(decodeSidecar(text), clock());
        await unlink(join(where, `${versionId}.json`));
        await unlink(join(where, `${versionId}.bin`)).catch((error: unknown) => {
          if (!isNotFound(error)) throw error;
        });
        await syncDir(where);
      });
    },

    async setRetention(bucket, key, versionId, retention) {
      assertRetentionArgument(retention, clock());
      await update(bucket, key, versionId, (sidecar) => {
        assertRetentionChangeAllowed(sidecar.retention, retention, clock());
        return { ...sidecar, retention: { mode: retention.mode, retainUntil: new Date(retention.retainUntil) } };
      });
    },

    async getRetention(bucket, key, versionId) {
      return (await readVersion(bucket, key, versionId)).sidecar.retention;
    },

    async setLegalHold(bucket, key, versionId, on) {
      await update(bucket, key, versionId, (sidecar) => ({ ...sidecar, legalHold: on }));
    },

    async getLegalHold(bucket, key, versionId) {
      return (await readVersion(bucket, key, versionId)).sidecar.legalHold;
    },

    async ping() {
      try {
        await mkdir(dir, { recursive: true });
        await access(dir);
      } catch (error) {
        throw new StorageError('STORAGE_UNAVAILABLE', `folder ${dir} is not usable`, { cause: error });
      }
    },
  };
}
