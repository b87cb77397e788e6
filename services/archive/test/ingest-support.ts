/**
 * What the ingest tests share: an archive app on a schema of its own that consumes the real
 * Kafka and keeps packages in the real MinIO (or another S3), a real signing app listening on
 * a port for the validation report, a store guard the test turns safe or unsafe, and
 * `document.issued` events as intake publishes them, for PDFs put in a source bucket.
 */
import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { createEnvelope, createKafkaBus } from '@lienthong/bus';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import type { Pool } from '@lienthong/db';
import { eventDefinitions } from '@lienthong/records';
import type { DocumentIssued } from '@lienthong/records';
import { createLogger, publicJwks } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { createS3Store } from '@lienthong/storage';
import type { ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import type { ArchiveDeps } from '../src/app.ts';
import { loadArchiveConfig } from '../src/config.ts';
import { ingestTopics } from '../src/ingest/ingest-topics.ts';
import type { IngestTopics } from '../src/ingest/ingest-topics.ts';
import { archiveMigrations } from '../src/migrations.ts';
import { startTestSigning } from '../../signing/test/support.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

/** A guard the test turns: `assertSafe` throws while `safe` is false; `calls` counts the asks. */
export interface TestGuard {
  safe: boolean;
  calls: number;
  assertSafe(): void;
}

export function testGuard(): TestGuard {
  const guard: TestGuard = {
    safe: true,
    calls: 0,
    assertSafe() {
      guard.calls += 1;
      if (!guard.safe) throw new Error('ARCHIVE_STORE_UNSAFE (test): the canary was deleted');
    },
  };
  return guard;
}

/** The archive's service key and the signing app that trusts it, listening on a port. */
export interface TestSigningPeer {
  url: string;
  key: string;
  /** Signing's own report of `pdf`, asked with a clerk's access token. */
  app: ServiceApp;
}

/** A permanent record's retention in the tests: one hour, so test objects do not stay locked for a century. */
export const testPermanentHorizonMs = 3_600_000;

/** Starts signing for the file (closed and dropped at its end) with the archive's key listed. */
export async function signingPeerForFile(t: {
  teardown(fn: () => Promise<void> | void): void;
}): Promise<TestSigningPeer> {
  const key = generateKeyPairSync('ed25519').privateKey;
  const signing = await startTestSigning(undefined, {
    LIENTHONG_SIGNING_ARCHIVE_JWKS: publicJwks(key, 'archive-test'),
  });
  await signing.app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(async () => {
    await signing.close();
    await dropTestSchemas(signing.schema);
  });
  return {
    url: `http://127.0.0.1:${(signing.app.server.address() as AddressInfo).port}`,
    key: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
    app: signing.app,
  };
}

/** An archive app consuming Kafka, its packages in MinIO. */
export interface TestIngest {
  app: ServiceApp;
  pool: Pool;
  bus: EventBus;
  store: ObjectStore;
  topics: IngestTopics;
  /** The archive bucket and the bucket the test's issued PDFs are put in. */
  bucket: string;
  sourceBucket: string;
  guard: TestGuard;
}

/** Builds the archive app on a new schema, namespace and bucket; closed and dropped at the file's end. */
export async function ingestForFile(
  t: { teardown(fn: () => Promise<void> | void): void },
  signing: TestSigningPeer,
  extra: Pick<ArchiveDeps, 'evidenceTrust' | 'evidenceCheckTime'> = {},
): Promise<TestIngest> {
  const schema = uniqueName('archive_ingest');
  const namespace = schema.replaceAll('_', '-');
  const bucket = uniqueName('lt-test-archive').replaceAll('_', '-');
  const sourceBucket = uniqueName('lt-test-issued').replaceAll('_', '-');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-archive-ingest-'));
  const logger = createLogger({ name: 'archive', level: 'warn' });
  const base = await connectTestPlatform(schema, archiveMigrations, logger, dir);
  const bus = createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: `test-${namespace}` });
  const store = createS3Store(testEnv.s3);
  await store.ensureBucket(sourceBucket, { versioning: true });
  const platform = {
    ...base,
    bus,
    store,
    close: async () => {
      await bus.close();
      await base.close();
    },
  };
  const guard = testGuard();
  const config = loadArchiveConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_ARCHIVE_BUCKET: bucket,
    LIENTHONG_ARCHIVE_TOPIC_NAMESPACE: namespace,
    LIENTHONG_ARCHIVE_SIGNING_URL: signing.url,
    LIENTHONG_ARCHIVE_SERVICE_KEY: signing.key,
    LIENTHONG_ARCHIVE_SERVICE_KEY_ID: 'archive-test',
    LIENTHONG_ARCHIVE_INGEST_RETRY_MIN_MS: '20',
    LIENTHONG_ARCHIVE_INGEST_RETRY_MAX_MS: '100',
    LIENTHONG_ARCHIVE_PARKED_RETRY_MS: '100',
    ...testAuthEnv,
  });
  const app = await buildApp(config, {
    platform,
    logger,
    storeGuard: guard,
    permanentHorizonMs: testPermanentHorizonMs,
    ...extra,
  });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  return { app, pool: base.pool, bus, store, topics: ingestTopics(namespace), bucket, sourceBucket, guard };
}

/** A one-page PDF made with pdf-lib (unsigned: signing's report says so), different each time. */
export async function unsignedPdf(): Promise<Buffer> {
  const document = await PDFDocument.create();
  document.addPage([595, 842]).drawText(`Chi thi ${randomUUID()}`, { x: 50, y: 780 });
  return Buffer.from(await document.save());
}

export const sha256Of = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/** Puts `pdf` in `bucket` and returns `document.issued` data naming it, as intake writes it. */
export async function issuedDocument(
  store: ObjectStore,
  bucket: string,
  pdf: Buffer,
  overrides: Partial<DocumentIssued> = {},
): Promise<DocumentIssued> {
  const documentId = overrides.documentId ?? randomUUID();
  const key = `documents/${documentId}/issued.pdf`;
  const put = await store.put(bucket, key, pdf, { contentType: 'application/pdf' });
  return {
    documentId,
    office: 'VPTU-CM',
    numberSymbol: { number: 12, type: 'CT', bodies: ['TU'] },
    symbol: '12-CT/TU',
    // 23:30 UTC is the next day in Vietnam: the catalog's date is 2026-03-02.
    issuedAt: '2026-03-01T23:30:00Z',
    series: { name: 'CT', period: '2026' },
    subject: 'Chỉ thị về tăng cường công tác lưu trữ hồ sơ điện tử',
    recipients: { offices: ['VPTU-HN', 'VPTU-BL'] },
    deliverTo: ['VPTU-BL', 'VPTU-HN'],
    secrecy: 'ordinary',
    urgency: 'ordinary',
    signer: { person: 'nguyen-van-a', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
    retention: 'permanent',
    file: {
      sha256: sha256Of(pdf),
      byteLength: pdf.length,
      mediaType: 'application/pdf',
      object: { bucket, key, versionId: put.versionId },
    },
    ...overrides,
  };
}

/** The envelope intake would publish for `data`. */
export function issuedEnvelope(data: DocumentIssued): EventEnvelope<DocumentIssued> {
  const definition = eventDefinitions.documentIssued;
  return createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'intake',
    subject: data.documentId,
    data,
  });
}

/** Publishes `envelopes` on the namespaced `document.issued` topic, keyed by office as intake does. */
export async function publishIssued(
  d: Pick<TestIngest, 'bus' | 'topics'>,
  ...envelopes: EventEnvelope<DocumentIssued>[]
) {
  await d.bus.publish(envelopes.map((envelope) => ({ topic: d.topics.issued, key: envelope.data.office, envelope })));
}
