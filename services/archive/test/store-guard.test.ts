/**
 * The store self-test (src/store/) on the real MinIO, on Versity S3 Gateway and on the folder
 * store: a locked bucket passes and its canary stays under COMPLIANCE retention; a bucket made
 * without Object Lock does not; a store that lets a delete or a retention change through, or
 * that reads back another version's bytes, is found; the schedule flips the verdict and
 * `assertSafe` then answers 503 problem+json, and back; expired canaries are removed.
 */
import t from 'tap';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServiceApp } from '@lienthong/service';
import { createFolderStore, createS3Store } from '@lienthong/storage';
import { ensureArchiveBucket } from '../src/store/archive-bucket.ts';
import { canaryPrefix } from '../src/store/canary-test.ts';
import { createStoreGuard, defaultCanaryRetentionMs } from '../src/store/store-guard.ts';
import { testEnv, waitFor } from '../../../test/support/env.ts';
import { ignoringLocks, misbehaving, recordingLogger, storeTargets, testBucket } from './store-support.ts';

const hour = 3600_000;
// Canaries on the shared MinIO stay locked (and their buckets with them): one hour where the default day is not tested.

for (const target of storeTargets) {
  void t.test(target.name, async (t) => {
    const store = await target.make();

    await t.test('a bucket with Object Lock passes, and its canary is locked in COMPLIANCE mode', async (t) => {
      const bucket = testBucket();
      await ensureArchiveBucket(store, bucket);
      const guard = createStoreGuard({ store, bucket, intervalMs: hour, logger: recordingLogger() });
      t.same(guard.verdict().safe, false, 'not safe before any check');
      t.equal(guard.verdict().checkedAt.getTime(), 0);
      t.throws(() => guard.assertSafe(), { code: 'ARCHIVE_STORE_UNSAFE', status: 503 });

      const before = Date.now();
      const verdict = await guard.check();
      t.same(verdict.problems, []);
      t.equal(verdict.safe, true);
      t.ok(verdict.checkedAt.getTime() >= before);
      t.equal(guard.verdict(), verdict);
      t.doesNotThrow(() => guard.assertSafe());

      const versions = await store.listVersions(bucket, canaryPrefix);
      t.equal(versions.length, 1, 'one canary version left: the overwrite attempt went again');
      const canary = versions[0]!;
      t.match(canary.key, /^canary\/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z-[0-9a-f]{12}$/);
      const retention = await store.getRetention(bucket, canary.key, canary.versionId);
      t.equal(retention?.mode, 'COMPLIANCE');
      const left = (retention?.retainUntil.getTime() ?? 0) - Date.now();
      t.ok(left > defaultCanaryRetentionMs - hour && left <= defaultCanaryRetentionMs, 'locked for one day');
      await t.rejects(store.delete(bucket, canary.key, { versionId: canary.versionId }), { code: 'OBJECT_LOCKED' });
    });

    await t.test('a bucket made without Object Lock is not safe, and says so', async (t) => {
      const bucket = testBucket();
      await store.ensureBucket(bucket, { versioning: true });
      const logger = recordingLogger();
      const guard = createStoreGuard({ store, bucket, intervalMs: hour, logger });
      const verdict = await guard.check();
      t.equal(verdict.safe, false);
      t.equal(verdict.problems.length, 1);
      t.match(verdict.problems[0], new RegExp(`^the bucket ${bucket} has no Object Lock`));
      t.throws(() => guard.assertSafe(), {
        code: 'ARCHIVE_STORE_UNSAFE',
        status: 503,
        detail: /failed its self-test at .*has no Object Lock/,
      });
      const errors = logger.lines.filter((line) => line.level === 'error');
      t.equal(errors.length, 1, 'the failure is logged at error level');
      t.match(errors[0]?.msg, /failed its self-test.*has no Object Lock/);
      t.same(await store.listVersions(bucket, canaryPrefix), [], 'no canary was left without its lock');
    });
  });
}

void t.test('a store that lets a locked version be deleted, shortened or weakened is found (MinIO)', async (t) => {
  const real = createS3Store(testEnv.s3);
  const bucket = testBucket();
  await ensureArchiveBucket(real, bucket);
  const guard = createStoreGuard({
    store: ignoringLocks(real),
    bucket,
    canaryRetentionMs: hour,
    intervalMs: hour,
    logger: recordingLogger(),
  });
  const verdict = await guard.check();
  t.equal(verdict.safe, false);
  t.equal(verdict.problems.length, 3, verdict.problems.join('\n'));
  t.match(verdict.problems[0], /^deleting the locked version of the canary .* was allowed$/);
  t.match(verdict.problems[1], /^shortening the COMPLIANCE retention of the canary .* was allowed$/);
  t.match(verdict.problems[2], /^switching the COMPLIANCE retention of the canary .* to GOVERNANCE was allowed$/);
  t.throws(() => guard.assertSafe(), { code: 'ARCHIVE_STORE_UNSAFE', detail: /deleting the locked version/ });
});

void t.test('a store that answers a version with another version’s bytes is found (MinIO)', async (t) => {
  const real = createS3Store(testEnv.s3);
  const bucket = testBucket();
  await ensureArchiveBucket(real, bucket);
  // Versions kept, but a read by version id answers the newest: an overwrite changes what a record reads as.
  const store = misbehaving(real, { get: (b, key, options) => real.get(b, key, { ...options, versionId: undefined }) });
  const guard = createStoreGuard({
    store,
    bucket,
    canaryRetentionMs: hour,
    intervalMs: hour,
    logger: recordingLogger(),
  });
  const verdict = await guard.check();
  t.equal(verdict.safe, false);
  t.equal(verdict.problems.length, 1);
  t.match(verdict.problems[0], /^the bytes of the locked version of the canary .* changed: a record could be altered$/);
});

void t.test('a store that replaces a version in place, or keeps no versions, is found (folder store)', async (t) => {
  const real = createFolderStore({ dir: await mkdtemp(join(tmpdir(), 'lienthong-archive-store-')) });
  const bucket = testBucket();
  await ensureArchiveBucket(real, bucket);
  // Each put over a key answers the key's first version id, as a store that overwrites in place would.
  const first = new Map<string, string>();
  const inPlace = misbehaving(real, {
    put: async (b, key, body, options) => {
      const stored = await real.put(b, key, body, options);
      if (!first.has(key)) first.set(key, stored.versionId);
      return { ...stored, versionId: first.get(key) ?? stored.versionId };
    },
  });
  const replaced = await createStoreGuard({
    store: inPlace,
    bucket,
    intervalMs: hour,
    logger: recordingLogger(),
  }).check();
  t.equal(replaced.safe, false);
  t.match(replaced.problems, [
    /^a put over the key of the canary .* replaced its locked version instead of adding a new one$/,
  ]);

  const unversioned = misbehaving(real, {
    put: async (b, key, body, options) => ({ ...(await real.put(b, key, body, options)), versionId: 'null' }),
  });
  const none = await createStoreGuard({
    store: unversioned,
    bucket,
    intervalMs: hour,
    logger: recordingLogger(),
  }).check();
  t.same(none.problems, [`the bucket ${bucket} does not keep versions: a put over a record's key would replace it`]);
});

void t.test('a store that cannot be reached is not safe', async (t) => {
  const store = createS3Store({ endpoint: 'http://127.0.0.1:9', accessKey: 'x', secretKey: 'y' });
  const guard = createStoreGuard({ store, bucket: testBucket(), intervalMs: hour, logger: recordingLogger() });
  const verdict = await guard.check();
  t.equal(verdict.safe, false);
  t.match(verdict.problems, [/^a canary could not be written under COMPLIANCE retention in lt-test-archive-/]);
});

void t.test('the scheduled re-check flips the verdict, and assertSafe answers 503 problem+json', async (t) => {
  const real = createS3Store(testEnv.s3);
  const bucket = testBucket();
  await ensureArchiveBucket(real, bucket);
  let broken = false;
  const logger = recordingLogger();
  const guard = createStoreGuard({
    store: ignoringLocks(real, () => broken),
    bucket,
    canaryRetentionMs: hour,
    intervalMs: 20,
    logger,
  });
  t.teardown(() => guard.stop());
  t.equal((await guard.check()).safe, true);
  guard.start();
  broken = true;
  await waitFor('a scheduled check to find the store unsafe', () => !guard.verdict().safe, 20_000, 10);
  t.match(guard.verdict().problems, [/deleting the locked version/, /shortening/, /GOVERNANCE/]);
  t.ok(
    logger.lines.some((line) => line.level === 'error' && /failed its self-test/.test(line.msg ?? '')),
    'logged at error level',
  );

  // What a route that archives (ingest, later) answers while the store is unsafe.
  const app = await createServiceApp({ name: 'archive-guard-test', version: '0', config: { logLevel: 'silent' } });
  t.teardown(() => app.close());
  app.get('/archive', { config: { public: true } }, async () => {
    guard.assertSafe();
    return { archived: true };
  });
  const refused = await app.inject({ method: 'GET', url: '/archive' });
  t.equal(refused.statusCode, 503);
  t.match(refused.headers['content-type'], /^application\/problem\+json/);
  t.match(refused.json(), {
    status: 503,
    code: 'ARCHIVE_STORE_UNSAFE',
    title: 'Archive store unsafe',
    detail: /failed its self-test at .*deleting the locked version/,
  });

  broken = false;
  await waitFor('a scheduled check to find the store safe again', () => guard.verdict().safe, 20_000, 10);
  t.equal((await app.inject({ method: 'GET', url: '/archive' })).statusCode, 200);
  t.ok(logger.lines.some((line) => line.level === 'info' && /passed its self-test again/.test(line.msg ?? '')));
});

void t.test('canaries whose retention ran out are removed; locked ones stay (folder store, moved clock)', async (t) => {
  let now = new Date('2026-03-01T00:00:00Z');
  const clock = () => now;
  const store = createFolderStore({ dir: await mkdtemp(join(tmpdir(), 'lienthong-archive-store-')), clock });
  const bucket = testBucket();
  await ensureArchiveBucket(store, bucket);
  const guard = createStoreGuard({ store, bucket, intervalMs: hour, logger: recordingLogger(), now: clock });
  t.equal((await guard.check()).safe, true);
  const first = await store.listVersions(bucket, canaryPrefix);
  t.equal(first.length, 1);

  now = new Date(now.getTime() + 12 * hour);
  t.equal((await guard.check()).safe, true);
  t.equal((await store.listVersions(bucket, canaryPrefix)).length, 2, 'a canary still locked is kept');

  now = new Date(now.getTime() + 13 * hour);
  t.equal((await guard.check()).safe, true);
  const left = await store.listVersions(bucket, canaryPrefix);
  t.equal(left.length, 2, 'the first canary went once its day was over');
  t.notOk(
    left.some((v) => v.key === first[0]?.key),
    'the expired one is the one removed',
  );
  t.equal(guard.verdict().checkedAt.getTime(), now.getTime(), 'checkedAt is the guard clock’s');
});
