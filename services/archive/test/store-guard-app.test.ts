/**
 * The store self-test in the archive app (`buildApp`): the start fails, naming the problem,
 * against a bucket made without Object Lock on MinIO and on Versity S3 Gateway; on a store
 * that keeps its locks the app starts, makes its bucket with Object Lock and reports ready,
 * and a later scheduled check that finds the store letting a locked version go makes
 * `/readyz` fail, the gauge drop to 0 and an error line appear.
 */
import t from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '@lienthong/service';
import type { Platform } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { archiveMigrations } from '../src/migrations.ts';
import { canaryPrefix } from '../src/store/canary-test.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName, versityTestServer, waitFor } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';
import { ignoringLocks, testBucket } from './store-support.ts';

const schema = uniqueName('archive_store_test');
const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-'));
const platform = await connectTestPlatform(
  schema,
  archiveMigrations,
  createLogger({ name: 'archive', level: 'warn' }),
  dir,
);
t.teardown(async () => {
  await platform.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestSchemas(schema);
});

/** Log lines as pino writes them (JSON). */
type LogLine = { level: number; msg?: string; problems?: string[] };

/** Builds the archive app on `store` and `bucket`, the shared schema; the platform stays open when the app closes. */
function buildArchive(store: ObjectStore, bucket: string, lines: LogLine[] = []) {
  const config = loadArchiveConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'info',
    LIENTHONG_ARCHIVE_BUCKET: bucket,
    LIENTHONG_ARCHIVE_STORE_CHECK_MS: '1000',
    ...testAuthEnv,
  });
  const logger = createLogger({
    name: 'archive',
    level: 'info',
    destination: { write: (line: string) => void lines.push(JSON.parse(line) as LogLine) },
  });
  const shared: Platform = { ...platform, store, close: async () => undefined };
  return buildApp(config, { platform: shared, logger });
}

const unlockedTargets = [
  { name: 'MinIO', make: () => createS3Store(testEnv.s3) },
  { name: 'Versity S3 Gateway', make: () => createS3Store(versityTestServer()) },
];

for (const target of unlockedTargets) {
  void t.test(`the start fails against a bucket made without Object Lock (${target.name})`, async (t) => {
    const store = target.make();
    const bucket = testBucket();
    await store.ensureBucket(bucket);
    const lines: LogLine[] = [];
    await t.rejects(buildArchive(store, bucket, lines), {
      code: 'ARCHIVE_STORE_UNSAFE',
      status: 503,
      message: new RegExp(
        `^Archive store unsafe: the archive does not start: the bucket ${bucket} failed the store self-test: ` +
          `the bucket ${bucket} has no Object Lock`,
      ),
    });
    t.ok(
      lines.some((line) => line.level === 50 && /has no Object Lock/.test(line.problems?.join() ?? '')),
      'the problem is logged at error level',
    );
    t.same(await store.listVersions(bucket, canaryPrefix), [], 'nothing was left in the bucket');
  });
}

void t.test(
  'on a store that keeps its locks the app starts; a later check that fails takes it out of ready',
  async (t) => {
    const real = createS3Store(testEnv.s3);
    const bucket = testBucket();
    let broken = false;
    const lines: LogLine[] = [];
    const started = Date.now();
    const app = await buildArchive(
      ignoringLocks(real, () => broken),
      bucket,
      lines,
    );
    t.teardown(() => app.close());

    const canaries = await real.listVersions(bucket, canaryPrefix);
    t.equal(canaries.length, 1, 'the bucket was made and checked before the app was built');
    const retention = await real.getRetention(bucket, canaries[0]!.key, canaries[0]!.versionId);
    t.equal(retention?.mode, 'COMPLIANCE', 'the bucket has Object Lock');

    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    t.equal(ready.statusCode, 200);
    t.match(ready.json(), { status: 'ok', checks: [{ name: 'database' }, { name: 'archive-store', status: 'ok' }] });
    const metrics = async (): Promise<{ safe: number; checkedAt: number }> => {
      const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
      const value = (name: string) =>
        Number(new RegExp(`^${name}\\{service="archive"\\} (\\S+)$`, 'm').exec(text)?.[1]);
      return {
        safe: value('lienthong_archive_store_safe'),
        checkedAt: value('lienthong_archive_store_checked_timestamp_seconds'),
      };
    };
    const healthy = await metrics();
    t.equal(healthy.safe, 1);
    t.ok(healthy.checkedAt * 1000 >= started && healthy.checkedAt * 1000 <= Date.now(), 'the check time, in seconds');

    broken = true;
    await waitFor(
      '/readyz to fail',
      async () => (await app.inject({ method: 'GET', url: '/readyz' })).statusCode === 503,
      20_000,
    );
    const notReady = await app.inject({ method: 'GET', url: '/readyz' });
    t.match(notReady.headers['content-type'], /^application\/problem\+json/);
    t.match(notReady.json(), {
      status: 503,
      code: 'NOT_READY',
      detail: 'failing: archive-store',
      checks: [
        { name: 'database', status: 'ok' },
        {
          name: 'archive-store',
          status: 'fail',
          detail: /^Archive store unsafe: the object store failed its self-test at /,
        },
      ],
    });
    const unsafe = await metrics();
    t.equal(unsafe.safe, 0);
    t.ok(unsafe.checkedAt > healthy.checkedAt, 'the time of a later check');
    t.ok(
      lines.some((line) => line.level === 50 && /deleting the locked version/.test(line.problems?.join() ?? '')),
      'the scheduled failure is logged at error level',
    );
  },
);
