/**
 * The handoff of stamped evidence to the archive, on the real PostgreSQL, Kafka and MinIO with
 * the stand-in of signing's evidence route and TSA (evidence-signing.ts). The app is built
 * without sealing configured, so the test drives each step itself: seal, batch and stamp,
 * then write the parts and tell them. Exactly one `delivery.evidence-stamped` per delivery and
 * batch reaches Kafka; its object's SHA-256 and length hold, it parses as a stamped part and
 * the parts of a delivery make a bundle that verifyBundle accepts; a crash between the writes
 * and the telling (the steps called apart) tells once, naming the rewritten version; the
 * store down leaves the batch waiting (gauge, backoff, error), nothing told, and it is told
 * once the store is back.
 */
import t from 'tap';
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { EventEnvelope } from '@lienthong/bus';
import {
  assembleBundle,
  checkTimestampedEvidence,
  parseStampedPart,
  stampedPartEvidence,
  verifyBundle,
  type BundleFiles,
  type HashedFile,
  type StampedPart,
} from '@lienthong/evidence';
import { validateEventData, type DeliveryEvidenceStamped } from '@lienthong/records';
import { createS3Store } from '@lienthong/storage';
import { testEnv, uniqueName, waitFor } from '../../../test/support/env.ts';
import { countEvidenceBacklog } from '../src/evidence/evidence-repository.ts';
import { partKey, publishDue, tellParts, writeParts } from '../src/evidence/publisher.ts';
import type { PublisherDeps } from '../src/evidence/publisher.ts';
import { sealRound } from '../src/evidence/sealer.ts';
import { createEvidenceSigner } from '../src/evidence/signing-client.ts';
import { claimUnpublished } from '../src/evidence/stamped-repository.ts';
import { formBatch, stampDue } from '../src/evidence/stamper.ts';
import { startEvidenceSigning } from './evidence-signing.ts';
import { deliveryForFile, issueDocument, issuedEnvelope, publishIssued, waitForConsigned } from './support.ts';

const signing = await startEvidenceSigning();
t.teardown(() => signing.close());
const evidenceBucket = uniqueName('lt-evidence').replaceAll('_', '-');
const d = await deliveryForFile(t, {
  bus: 'kafka',
  objects: 'minio',
  env: { LIENTHONG_DELIVERY_EVIDENCE_BUCKET: evidenceBucket },
});
const { pool, store, topics } = d;
const trust = { trustAnchors: [signing.h.root.certificate], time: new Date() };
const signer = createEvidenceSigner({
  signingUrl: signing.url,
  key: signing.keyPem,
  tsaUrl: `${signing.url}/v1/tsa`,
  timeoutMs: 10_000,
});
const deps: PublisherDeps = { pool, store, bucket: evidenceBucket, topics, retryMinMs: 1000, retryMaxMs: 2000 };

/** Seals every row and stamps every batch, round after round, as the loops would. */
async function sealAndStamp(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const round = await sealRound({ pool, signer, leaseMs: 30_000, retryMinMs: 1, retryMaxMs: 5 });
    if (round.failures.length > 0) throw new Error(JSON.stringify(round.failures));
    if (round.sealed === 0) break;
  }
  while ((await formBatch(pool, new Date())) !== undefined);
  const stamped = await stampDue({ pool, signer, timeoutMs: 10_000, retryMinMs: 1, retryMaxMs: 5 });
  if (stamped.failures.length > 0) throw new Error(JSON.stringify(stamped.failures));
}

async function deliver(offices: string[]): Promise<{ documentId: string; deliveryId: string }> {
  const doc = await issueDocument(d, offices);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, offices.length);
  const { rows } = await pool.query<{ id: string }>('SELECT id FROM delivery WHERE document_id = $1', [doc.documentId]);
  return { documentId: doc.documentId, deliveryId: rows[0]!.id };
}

const batchesOf = async (deliveryId: string): Promise<string[]> =>
  (
    await pool.query<{ batch_id: string }>(
      'SELECT DISTINCT batch_id FROM evidence WHERE delivery_id = $1 AND batch_id IS NOT NULL ORDER BY batch_id',
      [deliveryId],
    )
  ).rows.map((r) => r.batch_id);

const toldFor = async (deliveryId: string): Promise<DeliveryEvidenceStamped[]> =>
  (
    await pool.query<{ envelope: { data: DeliveryEvidenceStamped } }>(
      `SELECT envelope FROM outbox WHERE topic = $1 AND envelope->'data'->>'deliveryId' = $2 ORDER BY id`,
      [topics.evidenceStamped, deliveryId],
    )
  ).rows.map((r) => r.envelope.data);

async function bytesOf(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The part an event names, its bytes checked against the event's SHA-256 and length. */
async function partOf(data: DeliveryEvidenceStamped): Promise<{ part: StampedPart; bytes: Buffer }> {
  const { object } = data.evidence;
  const { body } = await store.get(object.bucket, object.key, { versionId: object.versionId! });
  const bytes = await bytesOf(body);
  return { part: parseStampedPart(bytes), bytes };
}

// Seen on Kafka by the test's own group, from the start of the topic.
const seen = new Map<string, EventEnvelope>();
const subscription = await d.bus.subscribe({
  group: `test-${d.namespace}-archive`,
  topics: [topics.evidenceStamped],
  handler: async (event) => {
    seen.set(event.id, event);
  },
});
t.teardown(() => subscription.stop());

await t.test('the evidence bucket is created at start, versioned', async (t) => {
  const put = await store.put(evidenceBucket, 'probe', Buffer.from('x'));
  t.not(put.versionId, 'null', 'versioned');
});

await t.test('one delivery.evidence-stamped per delivery and batch on Kafka; the object checks', async (t) => {
  const a = await deliver(['HU-A1', 'HU-B1', 'TU-B']);
  const b = await deliver(['HU-A1']);
  await sealAndStamp();
  const round = await publishDue(deps);
  t.same(round.failures, []);
  t.equal(await publishDue(deps).then((r) => r.published), 0, 'a second pass has nothing to tell');

  for (const { documentId, deliveryId } of [a, b]) {
    const batches = await batchesOf(deliveryId);
    t.ok(batches.length >= 1);
    const told = await toldFor(deliveryId);
    t.same(told.map((e) => e.batchId).sort(), batches, `${deliveryId}: one event per batch, none twice`);
    const onKafkaFor = () =>
      [...seen.values()].filter((e) => (e.data as DeliveryEvidenceStamped).deliveryId === deliveryId);
    await waitFor(`${told.length} events of ${deliveryId} on Kafka`, () => onKafkaFor().length >= told.length);
    const onKafka = onKafkaFor();
    t.same(onKafka.map((e) => (e.data as DeliveryEvidenceStamped).batchId).sort(), batches, 'the same on Kafka');
    const parts: StampedPart[] = [];
    for (const event of onKafka) {
      const data = event.data as DeliveryEvidenceStamped;
      t.ok(validateEventData(event.type, event.schemaVersion, data).ok);
      t.equal(event.type, 'delivery.evidence-stamped');
      t.equal(data.documentId, documentId);
      t.equal(data.sender, 'VPTU-A');
      t.equal(data.evidence.object.bucket, evidenceBucket);
      t.equal(data.evidence.object.key, partKey(deliveryId, data.batchId));
      const { part, bytes } = await partOf(data);
      t.equal(bytes.length, data.evidence.byteLength, 'the length told');
      t.equal(createHash('sha256').update(bytes).digest('hex'), data.evidence.sha256, 'the SHA-256 told');
      t.equal(part.deliveryId, deliveryId);
      t.equal(part.batchId, data.batchId);
      t.equal(part.evidence.length, data.count);
      for (const e of part.evidence) {
        const check = checkTimestampedEvidence(e.cms, { proof: e.proof, token: part.token }, trust);
        t.ok(check.ok, `${e.event}: ${check.message}`);
      }
      parts.push(part);
    }
    const rows = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM evidence WHERE delivery_id = $1', [
      deliveryId,
    ]);
    t.equal(
      parts.reduce((n, p) => n + p.evidence.length, 0),
      rows.rows[0]!.n,
      'every row of the delivery in exactly one part',
    );
    const document: HashedFile = parts[0]!.document;
    const files = assembleBundle({ documentId, document, evidence: parts.flatMap(stampedPartEvidence) });
    const bundle: BundleFiles = new Map<string, Uint8Array | HashedFile>([...files, ['document.pdf', document]]);
    const report = await verifyBundle(bundle, trust);
    t.ok(report.valid, JSON.stringify(report.pieces.filter((p) => !p.ok).slice(0, 3)));
    t.ok(
      report.legs.every((l) => l.ok),
      'the parts of a delivery together hold every chain',
    );
  }
});

await t.test('a crash between writing the parts and telling them: told once, the rewritten version', async (t) => {
  const c = await deliver(['HU-A1', 'HU-B1']);
  await sealAndStamp();
  const at = new Date();
  const [batch] = await claimUnpublished(pool, at, new Date(at.getTime() + 60_000), 1);
  t.ok(batch, 'a stamped batch waits');
  const first = await writeParts(deps, batch!);
  t.ok(first.length >= 1);
  // The process dies here: the parts are in the store, nothing told, the batch still leased.
  t.same(await toldFor(c.deliveryId), []);
  t.equal((await publishDue(deps)).published, 0, 'a leased batch is not taken before its lease ends');
  const later = new Date(at.getTime() + 61_000);
  const round = await publishDue({ ...deps, now: () => later });
  t.equal(round.published, 1, 'the next pass after the lease writes again and tells');
  const told = await toldFor(c.deliveryId);
  t.equal(told.length, 1, 'told once');
  const versions = await store.listVersions(evidenceBucket, partKey(c.deliveryId, batch!.id));
  t.equal(versions.length, 2, 'written twice');
  t.equal(told[0]!.evidence.object.versionId, versions.find((v) => v.isLatest)!.versionId, 'the latest is named');
  t.not(told[0]!.evidence.object.versionId, first[0]!.versionId);
  t.equal(await tellParts(deps, batch!, first, new Date()), false, 'the dead pass, come back, tells nothing');
  t.equal((await toldFor(c.deliveryId)).length, 1);
  const { part } = await partOf(told[0]!);
  t.equal(part.batchId, batch!.id);
});

await t.test('the store down: the batch waits with its error and the gauge; told once it is back', async (t) => {
  const e = await deliver(['TU-B']);
  await sealAndStamp();
  // A real S3 client against a port nobody listens on: connection refused.
  const down = createS3Store({ ...testEnv.s3, endpoint: 'http://127.0.0.1:9' });
  const at = new Date();
  const round = await publishDue({ ...deps, store: down, now: () => at });
  t.equal(round.published, 0);
  t.ok(round.failures.length >= 1, 'the failure reported');
  t.same(await toldFor(e.deliveryId), [], 'nothing told');
  const { rows } = await pool.query<{ publish_error: string | null; publish_next_at: Date; published_at: Date | null }>(
    `SELECT publish_error, publish_next_at, published_at FROM evidence_batch
     WHERE id IN (SELECT batch_id FROM evidence WHERE delivery_id = $1)`,
    [e.deliveryId],
  );
  t.ok(rows.length >= 1);
  for (const r of rows) {
    t.equal(r.published_at, null);
    t.ok(r.publish_error !== null && r.publish_error.length > 0, `why: ${r.publish_error}`);
    t.ok(r.publish_next_at.getTime() > at.getTime(), 'put off');
  }
  const backlog = await countEvidenceBacklog(pool, new Date(at.getTime() + 5000));
  t.ok(backlog.unpublished >= 1, 'the gauge counts it');
  t.ok(backlog.oldestUnpublishedSeconds >= 5, 'and ages it');
  t.equal((await publishDue({ ...deps, now: () => at })).published, 0, 'not before its backoff');
  const back = await publishDue({ ...deps, now: () => new Date(at.getTime() + 3000) });
  t.same(back.failures, []);
  t.equal((await toldFor(e.deliveryId)).length, rows.length, 'told once it is back, one per batch');
  const after = await countEvidenceBacklog(pool, new Date());
  t.equal(after.unpublished, 0);
  t.equal(after.oldestUnpublishedSeconds, 0);
});
