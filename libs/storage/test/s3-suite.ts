import { Client } from 'minio';
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createObjectStore, createS3Store, StorageError } from '../src/index.ts';
import { runStoreContract } from './contract.ts';
import { testEnv } from '../../../test/support/env.ts';

const { endpoint: s3Endpoint, accessKey: s3AccessKey, secretKey: s3SecretKey } = testEnv.s3;
import { randomBucket, storageError } from './helpers.ts';

const store = createS3Store({ endpoint: s3Endpoint, accessKey: s3AccessKey, secretKey: s3SecretKey });

/** The bare `minio` client, to show that refusals come from the server and not from our code. */
function rawClient(): Client {
  const url = new URL(s3Endpoint);
  return new Client({
    endPoint: url.hostname,
    port: Number(url.port),
    useSSL: url.protocol === 'https:',
    accessKey: s3AccessKey,
    secretKey: s3SecretKey,
  });
}

void t.test('contract', async (t) => {
  runStoreContract(t, async () => ({
    store,
    now: () => new Date(),
    // MinIO accepts only a future retain-until; a few seconds keeps the test short.
    shortRetainUntil: () => new Date(Date.now() + 3000),
    passUntil: async (date) => {
      const wait = date.getTime() - Date.now() + 500;
      if (wait > 0) await sleep(wait);
    },
  }));
});

void t.test(
  'the S3 server itself refuses to delete a COMPLIANCE version, even asked directly with bypass',
  async (t) => {
    const bucket = randomBucket();
    await store.ensureBucket(bucket, { objectLocking: true });
    const retainUntil = new Date(Date.now() + 3600_000);
    const { versionId } = await store.put(bucket, 'record.pdf', Buffer.from('original'), {
      retention: { mode: 'COMPLIANCE', retainUntil },
    });

    const client = rawClient();
    const serverAnswer = await client.removeObject(bucket, 'record.pdf', { versionId, governanceBypass: true }).then(
      () => 'deleted',
      (error: unknown) => (error as { code?: string }).code,
    );
    t.ok(serverAnswer === 'InvalidRequest' || serverAnswer === 'AccessDenied', `server refused with ${serverAnswer}`);

    const ours = await store.delete(bucket, 'record.pdf', { versionId }).catch((error: unknown) => error);
    t.ok(ours instanceof StorageError && ours.code === 'OBJECT_LOCKED');
    t.match(
      (ours as StorageError).cause,
      { code: serverAnswer },
      'OBJECT_LOCKED carries the server refusal as its cause',
    );

    t.equal(
      (await store.getRetention(bucket, 'record.pdf', versionId))?.mode,
      'COMPLIANCE',
      'the server holds the retention',
    );
    const stat = await client.statObject(bucket, 'record.pdf', { versionId });
    t.equal(stat.size, 'original'.length, 'the locked version is intact');
  },
);

void t.test('a mismatched streamed upload leaves no version on the server', async (t) => {
  const bucket = randomBucket();
  await store.ensureBucket(bucket, { objectLocking: true });
  const { Readable } = await import('node:stream');
  await t.rejects(
    store.put(bucket, 'bad.pdf', Readable.from([Buffer.from('not what was signed')]), {
      expectedSha256: '11'.repeat(32),
      retention: { mode: 'COMPLIANCE', retainUntil: new Date(Date.now() + 3600_000) },
    }),
    storageError('CHECKSUM_MISMATCH'),
  );
  const seen: unknown[] = [];
  for await (const item of rawClient().listObjects(bucket, '', true, { IncludeVersion: true })) seen.push(item);
  t.same(seen, [], 'no version and no retention were left behind');
});

void t.test('a source that fails after the first part aborts the multipart upload', async (t) => {
  const bucket = randomBucket();
  await store.ensureBucket(bucket, { versioning: true });
  const { Readable } = await import('node:stream');
  let sent = 0;
  const broken = new Readable({
    read() {
      if (sent++ < 40) this.push(Buffer.alloc(1024 * 1024, 7));
      else this.destroy(new Error('cut off'));
    },
  });
  await t.rejects(store.put(bucket, 'cut.pdf', broken), { message: 'cut off' });
  const pending: unknown[] = [];
  for await (const upload of rawClient().listIncompleteUploads(bucket, '', true)) pending.push(upload);
  t.same(pending, [], 'no unfinished multipart upload is left');
});

void t.test('an unreachable endpoint is STORAGE_UNAVAILABLE', async (t) => {
  const dead = createObjectStore({ kind: 's3', endpoint: 'http://127.0.0.1:9', accessKey: 'x', secretKey: 'y' });
  await t.rejects(dead.ping(), storageError('STORAGE_UNAVAILABLE'));
  await t.rejects(dead.stat('some-bucket', 'a.pdf'), storageError('STORAGE_UNAVAILABLE'));
});
