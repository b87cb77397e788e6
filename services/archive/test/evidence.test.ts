/**
 * The evidence ingest on the real PostgreSQL, Kafka and MinIO (and the real signing for the
 * ingest of the document and its CA's public routes): a stamped part of delivery's evidence
 * (libs/evidence's test PKI: seals naming their offices, a batch time-stamp) joins the record's
 * package with a second manifest naming every object, under the package's retention, audited
 * in the sender's chain, once however often it comes; a part that comes before its record is
 * parked and added once the record is archived; parts that are not the event's, not of the
 * document, or whose evidence does not verify are refused with nothing written.
 */
import { createHash, randomUUID } from 'node:crypto';
import t from 'tap';
import { createEnvelope } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { encodeStampedPart, parseStatement } from '@lienthong/evidence';
import type { StampedPartRow } from '@lienthong/evidence';
import { readSignedData } from '@lienthong/pki';
import { eventDefinitions } from '@lienthong/records';
import type { DeliveryEvidenceStamped } from '@lienthong/records';
import { readAudit } from '../src/audit/audit-log.ts';
import { evidenceTopics } from '../src/evidence/evidence-consumer.ts';
import { fetchSigningTrust } from '../src/evidence/evidence-trust.ts';
import { evidenceConsumer, evidenceObjectName, ingestEvidence } from '../src/evidence/ingest-evidence.ts';
import { IngestRefused } from '../src/ingest/ingest-errors.ts';
import { findPackage, listArchivedObjects } from '../src/packages/package-repository.ts';
import { countParkedEvents } from '../src/parked/parked-events.ts';
import { callerOf } from './support.ts';
import { testWorkers } from './worker-support.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  signingPeerForFile,
  unsignedPdf,
} from './ingest-support.ts';
import { deliveryEvidence } from '../../../libs/evidence/test/helpers/bundle.ts';
import { buildOfficesPki, NOW } from '../../../libs/evidence/test/helpers/offices.ts';
import { waitFor } from '../../../test/support/env.ts';

const pki = await buildOfficesPki();
const trust = {
  trustAnchors: [pki.h.root.certificate.der],
  intermediates: [pki.h.intermediate.certificate.der],
  crls: [pki.h.rootCrl.der, pki.h.intermediateCrl.der],
};
const signing = await signingPeerForFile(t);
const d = await ingestForFile(t, signing, {
  evidenceTrust: () => Promise.resolve(trust),
  evidenceCheckTime: () => NOW,
});
const { pool, store, bucket, sourceBucket, guard } = d;
const namespace = d.topics.issued.slice(0, -'.lienthong.document.issued.v1'.length);
const topic = evidenceTopics(namespace).topic;
const deps = {
  pool,
  store,
  bucket,
  guard,
  workers: testWorkers(t),
  trust: () => Promise.resolve(trust),
  maxBytes: 1_048_576,
  checkTime: () => NOW,
};

/** A record of class 10 years issued ten years ago and a minute: locked in MinIO a day. */
function decadeAgo(): string {
  const at = new Date(Date.now() + 60_000);
  at.setUTCFullYear(at.getUTCFullYear() - 10);
  return at.toISOString();
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** An issued document of VPTU-HN (the test PKI's sender) not yet published. */
async function document() {
  const pdf = await unsignedPdf();
  const issued = await issuedDocument(store, sourceBucket, pdf, {
    office: 'VPTU-HN',
    recipients: { offices: ['HU-DT', 'HU-KB'] },
    deliverTo: ['HU-DT', 'HU-KB'],
    retention: '10-years',
    issuedAt: decadeAgo(),
  });
  return { pdf, issued };
}

/** The stamped part of a delivery of `pdf` (rows signed by the test PKI), put in the source bucket, and its event. */
async function stampedPart(pdf: Buffer, documentId: string, tamper?: (bytes: Buffer) => Buffer) {
  const delivery = await deliveryEvidence(pki, pdf, { documentId });
  const token = delivery.contents.evidence[0]!.stamp!.token;
  const rows: StampedPartRow[] = delivery.contents.evidence.map((e, i) => {
    const s = parseStatement(readSignedData(e.cms).content!);
    return {
      id: s.id,
      recipientOffice: s.recipientOffice ?? null,
      seq: i,
      event: s.event,
      cms: e.cms,
      proof: e.stamp!.proof,
    };
  });
  const deliveryId = randomUUID();
  const batchId = randomUUID();
  const head = { documentId, deliveryId, batchId, document: { sha256: sha256(pdf), length: pdf.length }, token };
  const chunks: Uint8Array[] = [];
  for await (const c of encodeStampedPart(head, rows)) chunks.push(c);
  let bytes: Buffer = Buffer.concat(chunks);
  if (tamper !== undefined) bytes = tamper(bytes);
  const key = `evidence/${documentId}/${deliveryId}/${batchId}.json`;
  const put = await store.put(sourceBucket, key, bytes, { contentType: 'application/json' });
  const data: DeliveryEvidenceStamped = {
    documentId,
    deliveryId,
    sender: 'VPTU-HN',
    batchId,
    stampedAt: NOW.toISOString(),
    count: rows.length,
    evidence: {
      sha256: sha256(bytes),
      byteLength: bytes.length,
      mediaType: 'application/json',
      object: { bucket: sourceBucket, key, versionId: put.versionId },
    },
  };
  const definition = eventDefinitions.deliveryEvidenceStamped;
  const envelope = createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'delivery',
    subject: documentId,
    data,
  }) as EventEnvelope;
  return { data, envelope, bytes };
}

const publish = (envelope: EventEnvelope) =>
  d.bus.publish([{ topic, key: (envelope.data as DeliveryEvidenceStamped).documentId, envelope }]);

async function readJson(key: string, versionId: string): Promise<Record<string, unknown>> {
  const { body } = await store.get(bucket, key, { versionId });
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

const evidenceEntries = async (id: string) =>
  (await readAudit(pool, 'VPTU-HN', 0, 1000)).entries.filter(
    (e) => e.action === 'record.evidence-added' && e.recordId === id,
  );

const first = await document();
await publishIssued(d, issuedEnvelope(first.issued));
await waitFor(
  'the first package',
  async () => (await findPackage(pool, first.issued.documentId)) !== undefined,
  90_000,
);

await t.test("signing's public CA routes give the trust: a root, its issuing CA and TSA, two CRLs", async (t) => {
  const fetched = await fetchSigningTrust(signing.url, 10_000);
  t.equal(fetched.trustAnchors.length, 1);
  t.ok(fetched.intermediates.length >= 2);
  t.equal(fetched.crls.length, 2);
});

await t.test('a stamped part joins the package with a second manifest, retention, audit; once', async (t) => {
  const id = first.issued.documentId;
  const part = await stampedPart(first.pdf, id);
  await publish(part.envelope);
  const name = evidenceObjectName(part.data.deliveryId, part.data.batchId);
  await waitFor(
    'the evidence added',
    async () => (await listArchivedObjects(pool, id)).some((o) => o.name === name),
    60_000,
  );
  const objects = await listArchivedObjects(pool, id);
  t.same(
    objects.map((o) => o.name),
    ['document.pdf', name, 'manifest-2.json', 'manifest.json', 'metadata.json', 'validation.json'],
  );
  const evidence = objects.find((o) => o.name === name)!;
  t.equal(evidence.sha256, part.data.evidence.sha256, 'the part as delivery wrote it');
  const pkg = (await findPackage(pool, id))!;
  const manifest2 = objects.find((o) => o.name === 'manifest-2.json')!;
  t.same(pkg.manifest, { bucket, key: manifest2.key, versionId: manifest2.versionId, sha256: manifest2.sha256 });
  const content = await readJson(manifest2.key, manifest2.versionId);
  t.same(
    (content.objects as Array<{ name: string }>).map((o) => o.name).sort(),
    ['document.pdf', name, 'metadata.json', 'validation.json'].sort(),
    'the new manifest names every object',
  );
  const manifest1 = objects.find((o) => o.name === 'manifest.json')!;
  t.same(content.previous, { name: 'manifest.json', versionId: manifest1.versionId, sha256: manifest1.sha256 });
  const retention = await store.getRetention(bucket, evidence.key, evidence.versionId);
  t.equal(retention?.mode, 'COMPLIANCE');
  t.equal(retention?.retainUntil.getTime(), pkg.lockedUntil.getTime(), "the package's lock");
  const described = await d.app.inject({ url: `/v1/records/${id}/package`, headers: callerOf('VPTU-HN', 'archivist') });
  t.equal(described.statusCode, 200);
  t.same(
    described.json<{ manifest: { name: string; versionId: string } }>().manifest,
    { name: 'manifest-2.json', versionId: manifest2.versionId, sha256: manifest2.sha256 },
    'the package route names the newest manifest',
  );
  // The part is read back by its name, slashes sent as %2F; a name with a `..` segment is refused.
  const read = await d.app.inject({
    url: `/v1/records/${id}/objects/${encodeURIComponent(name)}`,
    headers: callerOf('HU-DT', 'archivist'),
  });
  t.equal(read.statusCode, 200);
  t.ok(read.rawPayload.equals(part.bytes), 'the part as archived');
  const tricky = await d.app.inject({
    url: `/v1/records/${id}/objects/${encodeURIComponent('evidence/../manifest.json')}`,
    headers: callerOf('HU-DT', 'archivist'),
  });
  t.equal(tricky.statusCode, 400);
  const entries = await evidenceEntries(id);
  t.equal(entries.length, 1);
  t.match(entries[0]!.detail, { deliveryId: part.data.deliveryId, batchId: part.data.batchId, evidence: 6 });
  // Again under the same id, and under another id: nothing new.
  t.equal(await ingestEvidence(deps, part.envelope), 'duplicate');
  const again = { ...part.envelope, id: randomUUID() };
  t.equal(await ingestEvidence(deps, again), 'duplicate');
  t.equal((await listArchivedObjects(pool, id)).length, 6);
  t.equal((await evidenceEntries(id)).length, 1);
});

await t.test('a part that comes before its record is parked, then added once the record is archived', async (t) => {
  const early = await document();
  const id = early.issued.documentId;
  const part = await stampedPart(early.pdf, id);
  await publish(part.envelope);
  await waitFor('the part parked', async () => (await countParkedEvents(pool, evidenceConsumer)) === 1, 60_000);
  await publishIssued(d, issuedEnvelope(early.issued));
  const name = evidenceObjectName(part.data.deliveryId, part.data.batchId);
  await waitFor(
    'the parked part added',
    async () => (await listArchivedObjects(pool, id)).some((o) => o.name === name),
    90_000,
  );
  t.equal(await countParkedEvents(pool, evidenceConsumer), 0);
  t.equal((await evidenceEntries(id)).length, 1);
});

await t.test(
  "parts that are not the event's, not of the document, or do not verify are refused, nothing written",
  async (t) => {
    const id = first.issued.documentId;
    const before = (await listArchivedObjects(pool, id)).length;
    const refused = async (envelope: EventEnvelope, code: string, pattern: RegExp) => {
      const error = await ingestEvidence(deps, envelope).then(
        () => undefined,
        (e: unknown) => e,
      );
      t.ok(error instanceof IngestRefused, `refused: ${String(error)}`);
      t.equal((error as IngestRefused).code, code);
      t.match((error as Error).message, pattern);
    };
    // A seal's signature byte flipped inside the first row's CMS (its base64 changed): the row does not verify.
    const flipped = await stampedPart(first.pdf, id, (bytes) => {
      const text = bytes.toString('utf8');
      const at = text.indexOf('"cms":"') + 200;
      return Buffer.from(text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1), 'utf8');
    });
    await refused(flipped.envelope, 'EVIDENCE_INVALID', /does not verify|cannot be read/);
    // Evidence of another PDF.
    const other = await stampedPart(await unsignedPdf(), id);
    await refused(other.envelope, 'EVIDENCE_INVALID', /not the archived PDF/);
    // Not JSON at all.
    const garbage = await stampedPart(first.pdf, id, () => Buffer.from('{"format":"lienthong-evidence-part",'));
    await refused(garbage.envelope, 'EVIDENCE_INVALID', /cannot be read/);
    // The event's SHA-256 is not the object's.
    const good = await stampedPart(first.pdf, id);
    const wrongHash = {
      ...good.envelope,
      id: randomUUID(),
      data: { ...good.data, evidence: { ...good.data.evidence, sha256: '0'.repeat(64) } },
    };
    await refused(wrongHash, 'FILE_MISMATCH', /hash/);
    // Over the size limit, and a key with path tricks, and the archive bucket itself.
    await refused(
      {
        ...good.envelope,
        id: randomUUID(),
        data: { ...good.data, evidence: { ...good.data.evidence, byteLength: 2_000_000 } },
      },
      'EVIDENCE_INVALID',
      /over/,
    );
    await refused(
      {
        ...good.envelope,
        id: randomUUID(),
        data: {
          ...good.data,
          evidence: { ...good.data.evidence, object: { bucket: sourceBucket, key: '../records/x' } },
        },
      },
      'SOURCE_OBJECT_INVALID',
      /key/,
    );
    await refused(
      {
        ...good.envelope,
        id: randomUUID(),
        data: {
          ...good.data,
          evidence: { ...good.data.evidence, object: { bucket, key: good.data.evidence.object.key } },
        },
      },
      'SOURCE_OBJECT_INVALID',
      /archive bucket/,
    );
    // Another office claims to be the sender.
    await refused(
      { ...good.envelope, id: randomUUID(), data: { ...good.data, sender: 'HU-DT' } },
      'EVIDENCE_INVALID',
      /did not issue/,
    );
    t.equal((await listArchivedObjects(pool, id)).length, before, 'no object added');
    t.equal((await evidenceEntries(id)).length, 1, 'no audit entry added');
  },
);

await t.test('while the store is not vouched for, the part waits', async (t) => {
  guard.safe = false;
  const id = first.issued.documentId;
  const part = await stampedPart(first.pdf, id);
  await t.rejects(ingestEvidence(deps, part.envelope), { name: 'StoreUnsafe' });
  guard.safe = true;
  t.equal(await ingestEvidence(deps, part.envelope), 'added');
  t.ok(
    (await listArchivedObjects(pool, id)).some((o) => o.name === 'manifest-3.json'),
    'a third manifest',
  );
});
