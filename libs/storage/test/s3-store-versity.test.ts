import { Client } from 'minio';
import t from 'tap';
import { type S3TestServer, versityTestServer } from '../../../test/support/env.ts';
import { createS3Store } from '../src/index.ts';
import { randomBucket } from './helpers.ts';
import { runS3Suite } from './s3-suite.ts';

// Versity S3 Gateway: infra/local's second S3 implementation. Missing variables fail the file.
let server: S3TestServer | undefined;
try {
  server = versityTestServer();
} catch (error) {
  t.fail((error as Error).message);
}

if (server) {
  const { endpoint, accessKey, secretKey } = server;
  // Versity v1.8.0 lets a version under legal hold go once its retention expired (README).
  runS3Suite(t, { ...server, legalHoldAfterRetention: 'ignored' });

  void t.test('a retention that minio-js 8.0.7 cannot parse from Versity is read by the store itself', async (t) => {
    const store = createS3Store({ endpoint, accessKey, secretKey });
    const bucket = randomBucket();
    await store.ensureBucket(bucket, { objectLocking: true });
    const retainUntil = new Date(Date.now() + 3600_000);
    const { versionId } = await store.put(bucket, 'record.pdf', Buffer.from('r'), {
      retention: { mode: 'GOVERNANCE', retainUntil },
    });
    const url = new URL(endpoint);
    const raw = new Client({ endPoint: url.hostname, port: Number(url.port), useSSL: false, accessKey, secretKey });
    await t.rejects(
      raw.getObjectRetention(bucket, 'record.pdf', { versionId }),
      TypeError,
      'the client expects <Retention>, Versity answers <ObjectLockRetention> (when this passes no more, drop the fallback)',
    );
    t.same(await store.getRetention(bucket, 'record.pdf', versionId), { mode: 'GOVERNANCE', retainUntil });
  });
}
