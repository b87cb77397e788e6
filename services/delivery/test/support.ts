/**
 * A delivery app for tests on a schema of its own (test/support/platform.ts), closed and
 * dropped when the file's tests end; `document.issued` events as intake publishes them,
 * with the issued PDF put where `file.object` says; and the callers the tests use.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEnvelope, createKafkaBus } from '@lienthong/bus';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import { createOutboxRelay } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { DocumentIssued } from '@lienthong/records';
import { eventDefinitions } from '@lienthong/records';
import { createLogger } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { createS3Store, type ObjectStore } from '@lienthong/storage';
import { buildApp } from '../src/app.ts';
import { loadDeliveryConfig } from '../src/config.ts';
import { deliveryMigrations } from '../src/migrations.ts';
import { deliveryTopics } from '../src/topics.ts';
import type { DeliveryTopics } from '../src/topics.ts';
import { nationalDirectory } from '../../intake/test/national-directory.ts';
import { authHeader, testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName, waitFor } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';

/** A delivery app on a fresh schema, with the bus and store it consumes from. */
export interface TestDelivery {
  app: ServiceApp;
  pool: Pool;
  bus: EventBus;
  store: ObjectStore;
  topics: DeliveryTopics;
  /** The bucket the test's issued PDFs are put in. */
  bucket: string;
  namespace: string;
}

/** How a test app is built: the bus (Postgres log or the real Kafka), the store (folder or MinIO). */
export interface TestDeliveryOptions {
  bus?: 'postgres' | 'kafka';
  objects?: 'folder' | 'minio';
  env?: Record<string, string>;
  streamHeartbeatMs?: number;
}

/** Builds the delivery app on a new schema for one test file; closed and dropped at its end. */
export async function deliveryForFile(
  t: { teardown(fn: () => Promise<void> | void): void },
  options: TestDeliveryOptions = {},
): Promise<TestDelivery> {
  const schema = uniqueName('delivery_test');
  const namespace = schema.replaceAll('_', '-');
  const bucket = uniqueName('lt-issued').replaceAll('_', '-');
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-delivery-'));
  const logger = createLogger({ name: 'delivery', level: 'warn' });
  const base = await connectTestPlatform(schema, deliveryMigrations, logger, dir);
  const bus =
    options.bus === 'kafka'
      ? createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: `test-${namespace}` })
      : base.bus;
  const store = options.objects === 'minio' ? createS3Store(testEnv.s3) : base.store;
  // The kit's test platform has no relay: the outbox reaches the bus as in connectPlatform.
  const relay = createOutboxRelay({ pool: base.pool, schema, publisher: bus, logger });
  relay.start();
  const platform = {
    ...base,
    bus,
    store,
    close: async () => {
      await relay.stop();
      if (bus !== base.bus) await bus.close();
      await base.close();
    },
  };
  await store.ensureBucket(bucket, { versioning: true });
  const config = loadDeliveryConfig({
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
    LIENTHONG_STORAGE_DIR: dir,
    LIENTHONG_LOG_LEVEL: 'warn',
    LIENTHONG_DELIVERY_TOPIC_NAMESPACE: namespace,
    ...testAuthEnv,
    ...options.env,
  });
  const app = await buildApp(config, {
    platform,
    logger,
    ...(options.streamHeartbeatMs === undefined ? {} : { streamHeartbeatMs: options.streamHeartbeatMs }),
  });
  t.teardown(async () => {
    await app.close();
    await rm(dir, { recursive: true, force: true });
    await dropTestSchemas(schema);
  });
  return { app, pool: base.pool, bus, store, topics: deliveryTopics(namespace), bucket, namespace };
}

/** The 3,321 commune offices of the generated national directory (services/intake/test). */
export const nationalCommunes = (): string[] =>
  nationalDirectory(3321)
    .offices.filter((o) => o.level === 'commune')
    .map((o) => o.code);

/** A PDF-looking body of `bytes` bytes (delivery never parses it) and its SHA-256. */
export function pdfBytes(bytes = 4096, seed = randomUUID()): { body: Buffer; sha256: string } {
  const body = Buffer.alloc(bytes, seed);
  body.write('%PDF-1.7\n', 0);
  return { body, sha256: createHash('sha256').update(body).digest('hex') };
}

/** `document.issued` data as intake writes it, for `deliverTo`, with the file at `bucket`. */
export function issuedData(
  bucket: string,
  deliverTo: string[],
  file: { sha256: string; byteLength: number; versionId?: string },
  overrides: Partial<DocumentIssued> = {},
): DocumentIssued {
  const documentId = overrides.documentId ?? randomUUID();
  return {
    documentId,
    office: 'VPTU-A',
    numberSymbol: { number: 12, type: 'CT', bodies: ['TU'] },
    symbol: '12-CT/TU',
    issuedAt: '2026-03-01T08:00:00+07:00',
    series: { name: 'CT', period: '2026' },
    subject: 'Về tăng cường công tác phòng, chống tham nhũng',
    recipients: { offices: deliverTo.slice(0, 10) },
    deliverTo: [...deliverTo].sort(),
    secrecy: 'ordinary',
    urgency: 'ordinary',
    signer: { person: 'nguyen-van-a', authority: 'T/M', onBehalfOf: 'BAN THƯỜNG VỤ' },
    retention: 'permanent',
    file: {
      sha256: file.sha256,
      byteLength: file.byteLength,
      mediaType: 'application/pdf',
      object: {
        bucket,
        key: `documents/${documentId}/issued.pdf`,
        ...(file.versionId === undefined ? {} : { versionId: file.versionId }),
      },
    },
    ...overrides,
  };
}

/** Puts a PDF of `bytes` bytes into the store and returns the `document.issued` data naming it. */
export async function issueDocument(
  d: Pick<TestDelivery, 'store' | 'bucket'>,
  deliverTo: string[],
  overrides: Partial<DocumentIssued> = {},
  bytes = 4096,
): Promise<DocumentIssued> {
  const documentId = overrides.documentId ?? randomUUID();
  const pdf = pdfBytes(bytes);
  const put = await d.store.put(d.bucket, `documents/${documentId}/issued.pdf`, pdf.body, {
    contentType: 'application/pdf',
  });
  return issuedData(
    d.bucket,
    deliverTo,
    { sha256: pdf.sha256, byteLength: bytes, ...(put.versionId === 'null' ? {} : { versionId: put.versionId }) },
    { ...overrides, documentId },
  );
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

/** Publishes `envelope` (again, if it was before) on the namespaced `document.issued` topic. */
export async function publishIssued(
  d: Pick<TestDelivery, 'bus' | 'topics'>,
  envelope: EventEnvelope<DocumentIssued>,
): Promise<void> {
  await d.bus.publish([{ topic: d.topics.issued, key: envelope.data.office, envelope }]);
}

/** Waits until `n` legs of document `documentId` are in their inboxes. */
export async function waitForConsigned(pool: Pool, documentId: string, n: number, timeoutMs = 120_000): Promise<void> {
  await waitFor(
    `${n} legs of ${documentId} in their inboxes`,
    async () => {
      const { rows } = await pool.query<{ n: string }>(
        `SELECT count(*) AS n FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
         WHERE d.document_id = $1 AND l.status IS NOT NULL`,
        [documentId],
      );
      return Number(rows[0]!.n) >= n;
    },
    timeoutMs,
  );
}

/** The headers of a caller of `office` with `roles`. */
export const callerOf = (office: string, ...roles: string[]) =>
  authHeader({ subject: `system:${roles.join('-') || 'none'}-${office.toLowerCase()}`, office, roles });
