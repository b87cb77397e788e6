/**
 * The package write on the second S3 implementation, Versity S3 Gateway (libs/storage README,
 * "Two S3 implementations"): the same ingest as on MinIO, called directly (the bus is not
 * what differs), with the real signing. Every object hashes as the package says, carries
 * COMPLIANCE retention and, for a permanent record, the legal hold and a retention of its own
 * (Versity deletes a held version once its retention expired), and the gateway refuses to
 * delete it with the store's own credentials.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '@lienthong/service';
import { createS3Store, isStorageError } from '@lienthong/storage';
import { ingestIssued } from '../src/ingest/ingest-issued.ts';
import { createPdfValidator } from '../src/ingest/validation-client.ts';
import { archiveMigrations } from '../src/migrations.ts';
import { findPackage, listArchivedObjects } from '../src/packages/package-repository.ts';
import { ensureArchiveBucket } from '../src/store/archive-bucket.ts';
import {
  issuedDocument,
  issuedEnvelope,
  sha256Of,
  signingPeerForFile,
  testGuard,
  testPermanentHorizonMs,
  unsignedPdf,
} from './ingest-support.ts';
import { uniqueName, versityTestServer } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

const versity = versityTestServer();
const signing = await signingPeerForFile(t);
const schema = uniqueName('archive_versity');
const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-versity-'));
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
const store = createS3Store(versity);
const bucket = uniqueName('lt-test-archive').replaceAll('_', '-');
const sourceBucket = uniqueName('lt-test-issued').replaceAll('_', '-');
await ensureArchiveBucket(store, bucket);
await store.ensureBucket(sourceBucket, { versioning: true });

await t.test('a permanent record packaged on Versity: hashes, retention, hold, delete refused', async (t) => {
  const pdf = await unsignedPdf();
  const issued = await issuedDocument(store, sourceBucket, pdf);
  const validator = createPdfValidator({
    signingUrl: signing.url,
    key: signing.key,
    keyId: 'archive-test',
    timeoutMs: 60_000,
  });
  const outcome = await ingestIssued(
    { pool: platform.pool, store, bucket, guard: testGuard(), validator, permanentHorizonMs: testPermanentHorizonMs },
    issuedEnvelope(issued),
  );
  t.equal(outcome, 'archived');
  const pkg = (await findPackage(platform.pool, issued.documentId))!;
  const objects = await listArchivedObjects(platform.pool, issued.documentId);
  t.equal(objects.length, 4);
  t.teardown(async () => {
    for (const o of objects) await store.setLegalHold(bucket, o.key, o.versionId, false).catch(() => {});
  });
  for (const o of objects) {
    const { body } = await store.get(bucket, o.key, { versionId: o.versionId });
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(chunk as Buffer);
    t.equal(sha256Of(Buffer.concat(chunks)), o.sha256, `${o.name}: what Versity holds`);
    t.same(await store.getRetention(bucket, o.key, o.versionId), { mode: 'COMPLIANCE', retainUntil: pkg.lockedUntil });
    t.equal(await store.getLegalHold(bucket, o.key, o.versionId), true);
    const refused = await store.delete(bucket, o.key, { versionId: o.versionId }).catch((e: unknown) => e);
    t.ok(isStorageError(refused, 'OBJECT_LOCKED'), `${o.name}: Versity refuses to delete it`);
  }
  t.equal(objects.find((o) => o.name === 'document.pdf')?.sha256, issued.file.sha256);
});
