/**
 * Retrieval and export on the real MinIO (S3, Object Lock) and PostgreSQL: the original whole
 * and by ranges read at the recorded version from the store's own range reads, a newer version
 * put over the key behind the service's back never served instead, a 416, and a bag of the
 * record. The folder store's cases (corruption on disk, path tricks, scope) are in
 * retrieval.test.ts.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { createLogger } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { archiveMigrations } from '../src/migrations.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';
import { archiveTestRecord, pdfBytes } from './retrieval-support.ts';
import { callerOf } from './support.ts';

const schema = uniqueName('archive_retrieval');
const bucket = uniqueName('lt-test-archive').replaceAll('_', '-');
const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-s3-'));
const logger = createLogger({ name: 'archive', level: 'error' });
const base = await connectTestPlatform(schema, archiveMigrations, logger, dir);
const store = createS3Store(testEnv.s3);
const app = await buildApp(
  loadArchiveConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'error',
    LIENTHONG_ARCHIVE_BUCKET: bucket,
    ...testAuthEnv,
  }),
  { platform: { ...base, store }, logger },
);
t.teardown(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
  await dropTestSchemas(schema);
});

const record = await archiveTestRecord(
  { pool: base.pool, store, bucket },
  {
    issuing: 'TU-HN',
    receiving: ['HU-BD'],
    file: 'HS-S3',
    pdf: pdfBytes(200_000),
  },
);
const size = record.pdf.length;
const archivist = callerOf('TU-HN', 'archivist');
const original = (range?: string) =>
  app.inject({
    method: 'GET',
    url: `/v1/records/${record.id}/original`,
    headers: range === undefined ? archivist : { ...archivist, range },
  });

void t.test('on MinIO: whole, first byte, last byte, suffix, open-ended; 416 past the end', async (t) => {
  const whole = await original();
  t.equal(whole.statusCode, 200);
  t.same(whole.rawPayload, record.pdf);
  for (const [range, start, end] of [
    ['bytes=0-0', 0, 0],
    [`bytes=${size - 1}-`, size - 1, size - 1],
    ['bytes=-1000', size - 1000, size - 1],
    ['bytes=65536-131071', 65536, 131071],
  ] as const) {
    const part = await original(range);
    t.equal(part.statusCode, 206, range);
    t.equal(part.headers['content-range'], `bytes ${start}-${end}/${size}`, range);
    t.same(part.rawPayload, record.pdf.subarray(start, end + 1), range);
  }
  const outside = await original(`bytes=${size}-`);
  t.equal(outside.statusCode, 416);
  t.equal(outside.headers['content-range'], `bytes */${size}`);
});

void t.test('a newer version put over the key behind the service is never served: the recorded one is', async (t) => {
  const pdf = record.objects.find((o) => o.name === 'document.pdf')!;
  await store.put(bucket, pdf.key, Buffer.from('%PDF-1.7 not the archived original'), {
    contentType: 'application/pdf',
  });
  const whole = await original();
  t.equal(whole.statusCode, 200);
  t.same(whole.rawPayload, record.pdf);
  t.equal(whole.headers.etag, `"${pdf.sha256}"`);
});

void t.test('a bag of the record streamed from MinIO', async (t) => {
  const bag = await app.inject({ method: 'GET', url: '/v1/exports/bag?file=HS-S3', headers: archivist });
  t.equal(bag.statusCode, 200);
  t.ok(bag.rawPayload.includes(record.pdf.subarray(0, 4096)), 'the original is in the tar');
  t.equal(bag.rawPayload.length % 512, 0, 'whole ustar blocks');
  t.ok(
    bag.rawPayload.subarray(-1024).every((b) => b === 0),
    'the two end blocks',
  );
});
