/**
 * What the fixity and disposition tests share: an archive app on a schema of its own whose
 * store is a folder (its directory known, to edit a version behind the service's back) or the
 * real MinIO (or Versity), and packages written as the ingest writes them (objects under COMPLIANCE
 * retention, the `package` and `archived_object` rows, the catalog row), without signing; on
 * Versity S3 Gateway too.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { createLogger } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import type { ArchiveDeps } from '../src/app.ts';
import { upsertRecord } from '../src/catalog/catalog-repository.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { archiveMigrations } from '../src/migrations.ts';
import type { ArchivedObject, PackageRetention } from '../src/packages/archive-package.ts';
import { packageKey } from '../src/packages/archive-package.ts';
import { insertPackage } from '../src/packages/package-repository.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName, versityTestServer } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

/** An archive app over a store the test reaches too. */
export interface PackageArchive {
  app: ServiceApp;
  pool: Pool;
  store: ObjectStore;
  bucket: string;
  /** The folder store's directory (folder only). */
  dir: string;
}

/** Builds the archive app on a new schema over a folder store, MinIO (`s3: true`) or Versity (`'versity'`); closed and dropped at the file's end. */
export async function packageArchiveForFile(
  t: { teardown(fn: () => Promise<void> | void): void },
  options: { s3?: boolean | 'versity'; env?: Record<string, string>; deps?: Partial<ArchiveDeps> } = {},
): Promise<PackageArchive> {
  const schema = uniqueName('archive_pkg');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-pkg-'));
  const bucket = uniqueName('lt-test-archive').replaceAll('_', '-');
  const logger = createLogger({ name: 'archive', level: 'warn' });
  const base = await connectTestPlatform(schema, archiveMigrations, logger, dir);
  const platform =
    options.s3 === undefined || options.s3 === false
      ? base
      : { ...base, store: createS3Store(options.s3 === 'versity' ? versityTestServer() : testEnv.s3) };
  const config = loadArchiveConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_ARCHIVE_BUCKET: bucket,
    LIENTHONG_ARCHIVE_TOPIC_NAMESPACE: schema.replaceAll('_', '-'),
    ...testAuthEnv,
    ...options.env,
  });
  // A hold extends the retention of a test's objects two minutes, not a year, unless the test says otherwise.
  const app = await buildApp(config, { platform, logger, holdExtensionMs: 120_000, ...options.deps });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  return { app, pool: base.pool, store: platform.store, bucket, dir };
}

/** A package written for a test: its record id and objects. */
export interface TestPackage {
  recordId: string;
  objects: ArchivedObject[];
}

/**
 * Writes a package of `files` (name → bytes) for a record issued by `office` to `receivers`,
 * every object locked until `retention.lockedUntil`, and its rows; an hour's retention by default.
 */
export async function writeTestPackage(
  d: Pick<PackageArchive, 'pool' | 'store' | 'bucket'>,
  office: string,
  receivers: string[],
  options: {
    files?: Record<string, Buffer>;
    retention?: PackageRetention;
    issuedDate?: string;
  } = {},
): Promise<TestPackage> {
  const recordId = randomUUID();
  const retention = options.retention ?? {
    retentionClass: '10-years',
    retainUntil: new Date(Date.now() + 3_600_000),
    lockedUntil: new Date(Date.now() + 3_600_000),
    legalHold: false,
  };
  const files = options.files ?? { 'document.pdf': randomBytes(70_000), 'metadata.json': randomBytes(300) };
  const objects: ArchivedObject[] = [];
  for (const [name, bytes] of Object.entries(files)) {
    const key = packageKey(recordId, name);
    const put = await d.store.put(d.bucket, key, bytes, {
      retention: { mode: 'COMPLIANCE', retainUntil: retention.lockedUntil },
      legalHold: retention.legalHold,
    });
    objects.push({
      name,
      bucket: d.bucket,
      key,
      versionId: put.versionId,
      sha256: put.sha256,
      size: put.size,
      mediaType: 'application/octet-stream',
    });
  }
  const manifest = objects[0]!;
  await withTransaction(d.pool, async (client) => {
    await insertPackage(
      client,
      {
        recordId,
        manifest: { bucket: d.bucket, key: manifest.key, versionId: manifest.versionId, sha256: manifest.sha256 },
        ...retention,
        validation: { indication: 'TOTAL_PASSED', subIndication: null },
        sourceEventId: randomUUID(),
        ingestedAt: new Date(),
      },
      objects,
    );
    await upsertRecord(client, {
      id: recordId,
      kind: 'issued',
      issuingOffice: office,
      receivingOffices: receivers,
      number: 1 + Math.floor(Math.random() * 1000),
      symbol: '12-CT/TU',
      documentType: 'CT',
      issuedDate: options.issuedDate ?? '2026-03-02',
      signer: { name: 'Nguyễn Văn A', subject: 'person:nguyen-van-a' },
      status: 'issued',
      file: null,
      subject: 'Chỉ thị về tăng cường công tác lưu trữ hồ sơ điện tử',
    });
  });
  return { recordId, objects };
}
