import { createHash } from 'node:crypto';
import { Client } from 'minio';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Test } from 'tap';
import { createObjectStore, createS3Store, StorageError } from '../src/index.ts';
import { runStoreContract, type LegalHoldAfterRetention } from './contract.ts';
import { randomBucket, storageError } from './helpers.ts';

/** One S3 implementation under test (infra/local starts MinIO and Versity S3 Gateway). */
export interface S3Target {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  /** What the server does with a legal hold once the version's retention has expired. */
  legalHoldAfterRetention: LegalHoldAfterRetention;
}

/**
 * The store contract and the S3-only tests, run against one S3 server. Each server gets a
 * file of its own (`s3-store.test.ts`, `s3-store-versity.test.ts`) so a failure names it.
 */
export function runS3Suite(t: Test, target: S3Target): void {
  const { endpoint, accessKey, secretKey } = target;
  const store = createS3Store({ endpoint, accessKey, secretKey });

  /** The bare `minio` client, to show that refusals come from the server and not from our code. */
  function rawClient(): Client {
    const url = new URL(endpoint);
    return new Client({
      endPoint: url.hostname,
      port: Number(url.port),
      useSSL: url.protocol === 'https:',
      accessKey,
      secretKey,
    });
  }

  /** The S3 error code a raw call ends with, or `done` when the server let it through. */
  async function answer(work: Promise<unknown>): Promise<string> {
    return work.then(
      () => 'done',
      (error: unknown) => String((error as { code?: unknown }).code),
    );
  }

  void t.test('contract', async (t) => {
    runStoreContract(t, async () => ({
      store,
      now: () => new Date(),
      // S3 accepts only a future retain-until; a few seconds keeps the test short.
      shortRetainUntil: () => new Date(Date.now() + 3000),
      passUntil: async (date) => {
        const wait = date.getTime() - Date.now() + 500;
        if (wait > 0) await sleep(wait);
      },
      legalHoldAfterRetention: target.legalHoldAfterRetention,
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
      const serverAnswer = await answer(
        client.removeObject(bucket, 'record.pdf', { versionId, governanceBypass: true }),
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

  void t.test(
    'with the store’s own credentials and governance bypass, no S3 call loses or overwrites a COMPLIANCE version',
    async (t) => {
      const bucket = randomBucket();
      await store.ensureBucket(bucket, { objectLocking: true });
      const until = new Date(Date.now() + 3600_000);
      const { versionId } = await store.put(bucket, 'record.pdf', Buffer.from('original'), {
        retention: { mode: 'COMPLIANCE', retainUntil: until },
      });
      const client = rawClient();
      const refusals = new Set(['InvalidRequest', 'AccessDenied', 'InvalidBucketState', 'BucketNotEmpty']);
      const retention = (mode: string, date: Date): Promise<unknown> =>
        client.putObjectRetention(bucket, 'record.pdf', {
          versionId,
          mode: mode as never,
          retainUntilDate: date.toISOString(),
          governanceBypass: true,
        });
      const attempts: Record<string, Promise<string>> = {
        'a shorter retention': answer(retention('COMPLIANCE', new Date(Date.now() + 60_000))),
        'a GOVERNANCE retention': answer(retention('GOVERNANCE', until)),
        'suspended versioning': answer(client.setBucketVersioning(bucket, { Status: 'Suspended' })),
        'the bucket removed': answer(client.removeBucket(bucket)),
        'a bulk delete of that version': client
          .removeObjects(bucket, [{ name: 'record.pdf', versionId }])
          .then((results) => (results as { Code?: string }[])[0]?.Code ?? 'done'),
      };
      for (const [what, attempt] of Object.entries(attempts)) {
        const code = await attempt;
        t.ok(refusals.has(code), `${what}: refused by the server (${code})`);
      }
      await client.putObject(bucket, 'record.pdf', Buffer.from('overwritten'));
      const kept = await client.getObject(bucket, 'record.pdf', { versionId });
      let text = '';
      for await (const chunk of kept) text += String(chunk);
      t.equal(text, 'original', 'a put over the key makes a new version; the locked one keeps its bytes');
      t.equal((await store.getRetention(bucket, 'record.pdf', versionId))?.retainUntil.getTime(), until.getTime());
    },
  );

  void t.test(
    "a buffer's lock goes in its PUT, and the server refuses bytes that are not the SHA-256 signed",
    async (t) => {
      const bucket = randomBucket();
      await store.ensureBucket(bucket, { objectLocking: true });
      const retainUntil = new Date(Date.now() + 3600_000);
      const body = Buffer.from('the issued PDF');
      const { versionId } = await store.put(bucket, 'locked.pdf', body, {
        retention: { mode: 'COMPLIANCE', retainUntil },
        legalHold: true,
      });
      t.same(await store.getRetention(bucket, 'locked.pdf', versionId), { mode: 'COMPLIANCE', retainUntil });
      t.equal(await store.getLegalHold(bucket, 'locked.pdf', versionId), true, 'held from the PUT on');
      // Over plain HTTP the store signs the payload's SHA-256 (SigV4 x-amz-content-sha256): the
      // server refuses bytes that do not hash to it, lock headers and all.
      const wrong = createHash('sha256').update('other bytes').digest('hex');
      const refused = await answer(
        (async () => {
          const response = await rawClient().makeRequestStreamAsync(
            {
              method: 'PUT',
              bucketName: bucket,
              objectName: 'forged.pdf',
              headers: {
                'Content-Length': body.length,
                'x-amz-object-lock-mode': 'COMPLIANCE',
                'x-amz-object-lock-retain-until-date': retainUntil.toISOString(),
              },
            },
            body,
            wrong,
            [200],
            '',
          );
          for await (const chunk of response) void chunk;
        })(),
      );
      t.not(refused, 'done', `a PUT whose bytes do not hash to its signed SHA-256 is refused (${refused})`);
      t.same(await store.listVersions(bucket, 'forged.pdf'), [], 'and nothing is stored, locked or not');
      await store.setLegalHold(bucket, 'locked.pdf', versionId, false);
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
}
