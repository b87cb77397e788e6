/**
 * Status updates on the real PostgreSQL, Kafka and MinIO with the real signing service:
 * `document.recalled`, `document.replaced` and `document.cancelled` set an archived record's
 * status (its other fields kept, the search by status and the audit entry with them), each
 * exactly once; a status event that overtakes `document.issued` is parked and applied once
 * the record is archived; malformed events change nothing.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createEnvelope } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { eventDefinitions } from '@lienthong/records';
import { readAudit } from '../src/audit/audit-log.ts';
import { findRecord } from '../src/catalog/catalog-repository.ts';
import { countParkedEvents } from '../src/parked/parked-events.ts';
import { applyStatusEvent, statusConsumer } from '../src/status/apply-status.ts';
import { statusTopics } from '../src/status/status-topics.ts';
import { callerOf } from './support.ts';
import {
  ingestForFile,
  issuedDocument,
  issuedEnvelope,
  publishIssued,
  signingPeerForFile,
  unsignedPdf,
} from './ingest-support.ts';
import { waitFor } from '../../../test/support/env.ts';

const signing = await signingPeerForFile(t);
const d = await ingestForFile(t, signing);
const { app, pool, store, sourceBucket } = d;
const topics = statusTopics(d.topics.issued.slice(0, -'.lienthong.document.issued.v1'.length));

/** A record of class 10 years issued ten years ago and a minute: locked in MinIO a day, not a century. */
function decadeAgo(): string {
  const at = new Date(Date.now() + 60_000);
  at.setUTCFullYear(at.getUTCFullYear() - 10);
  return at.toISOString();
}

async function archived(): Promise<string> {
  const issued = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
    retention: '10-years',
    issuedAt: decadeAgo(),
  });
  await publishIssued(d, issuedEnvelope(issued));
  await waitFor(
    `the record ${issued.documentId}`,
    async () => (await findRecord(pool, 'VPTU-CM', issued.documentId)) !== undefined,
    90_000,
  );
  return issued.documentId;
}

function statusEnvelope(kind: 'recalled' | 'replaced' | 'cancelled', documentId: string): EventEnvelope {
  const at = new Date().toISOString();
  const [definition, data] =
    kind === 'recalled'
      ? [
          eventDefinitions.documentRecalled,
          { documentId, office: 'VPTU-CM', symbol: '12-CT/TU', reason: 'Sai sót nội dung', recalledAt: at },
        ]
      : kind === 'replaced'
        ? [
            eventDefinitions.documentReplaced,
            {
              documentId,
              office: 'VPTU-CM',
              symbol: '12-CT/TU',
              replacedBy: randomUUID(),
              reason: 'Thay thế',
              replacedAt: at,
            },
          ]
        : [
            eventDefinitions.documentCancelled,
            { documentId, office: 'VPTU-CM', symbol: '12-CT/TU', reason: 'Hủy', cancelledAt: at },
          ];
  return createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'intake',
    subject: documentId,
    data,
  });
}

const statusOf = async (id: string) => (await findRecord(pool, 'VPTU-CM', id))?.status;
const statusEntries = async (id: string) =>
  (await readAudit(pool, 'VPTU-CM', 0, 1000)).entries.filter(
    (e) => e.action === 'record.status-changed' && e.recordId === id,
  );

const first = await archived();

await t.test('a recall sets the status, keeps the metadata, is found by status and audited, once', async (t) => {
  const before = await findRecord(pool, 'VPTU-CM', first);
  const recall = statusEnvelope('recalled', first);
  t.equal(await applyStatusEvent(pool, recall), 'changed');
  t.equal(await applyStatusEvent(pool, recall), 'duplicate');
  const after = await findRecord(pool, 'VPTU-CM', first);
  t.same({ ...after, status: before!.status }, before, 'every other field kept');
  t.equal(after!.status, 'recalled');
  const found = await app.inject({ url: '/v1/records?status=recalled', headers: callerOf('VPTU-HN', 'archivist') });
  t.same(
    found.json<{ records: Array<{ id: string }> }>().records.map((r) => r.id),
    [first],
    'a receiving office finds it by its new status',
  );
  const issuedNow = await app.inject({ url: '/v1/records?status=issued', headers: callerOf('VPTU-HN', 'archivist') });
  t.notOk(
    issuedNow.json<{ records: Array<{ id: string }> }>().records.some((r) => r.id === first),
    'no longer among the issued',
  );
  const entries = await statusEntries(first);
  t.equal(entries.length, 1);
  t.match(entries[0]!.detail, { from: 'issued', to: 'recalled', applied: true, eventId: recall.id });
  t.equal(entries[0]!.actor, 'service:intake');
  // A cancellation after the recall: the first end stays, the later one is audited as not applied.
  t.equal(await applyStatusEvent(pool, statusEnvelope('cancelled', first)), 'unchanged');
  t.equal(await statusOf(first), 'recalled');
  t.match((await statusEntries(first))[1]?.detail, { from: 'recalled', to: 'cancelled', applied: false });
});

await t.test('malformed or foreign status events change nothing', async (t) => {
  const bad = { ...statusEnvelope('replaced', first), data: { documentId: first, office: 'VPTU-CM' } };
  await t.rejects(applyStatusEvent(pool, bad as EventEnvelope), /RECORDS_EVENT_DATA_INVALID|replaced/);
  const injected = statusEnvelope('recalled', "x'; DROP TABLE record; --");
  await t.rejects(applyStatusEvent(pool, injected), 'an id outside the schema is refused by libs/records');
  t.equal(await applyStatusEvent(pool, statusEnvelope('recalled', 'not-a-uuid')), 'ignored');
  t.equal(await statusOf(first), 'recalled');
  t.equal((await statusEntries(first)).length, 2);
});

await t.test('a status event that overtakes document.issued is parked, then applied once archived', async (t) => {
  const issued = await issuedDocument(store, sourceBucket, await unsignedPdf(), {
    retention: '10-years',
    issuedAt: decadeAgo(),
  });
  const replace = statusEnvelope('replaced', issued.documentId);
  await d.bus.publish([{ topic: topics.topics[1]!, key: 'VPTU-CM', envelope: replace }]);
  await waitFor('the replacement parked', async () => (await countParkedEvents(pool, statusConsumer)) === 1, 60_000);
  t.equal(await statusOf(issued.documentId), undefined, 'no record yet');
  await publishIssued(d, issuedEnvelope(issued));
  await waitFor('the replacement applied', async () => (await statusOf(issued.documentId)) === 'replaced', 90_000);
  t.equal(await countParkedEvents(pool, statusConsumer), 0);
  const entries = await statusEntries(issued.documentId);
  t.equal(entries.length, 1, 'applied once');
  t.match(entries[0]!.detail, { to: 'replaced', replacedBy: (replace.data as { replacedBy: string }).replacedBy });
  // The same event again over Kafka: handled before, nothing new.
  await d.bus.publish([{ topic: topics.topics[1]!, key: 'VPTU-CM', envelope: replace }]);
  // A cancellation of `first` (audited as not applied) on the replacement's topic and key, so consumed after it:
  // once its entry is there, the consumer went past the redelivered replacement.
  const marked = (await statusEntries(first)).length;
  const cancel = statusEnvelope('cancelled', first);
  await d.bus.publish([{ topic: topics.topics[1]!, key: 'VPTU-CM', envelope: cancel }]);
  await waitFor('the consumer went on', async () => (await statusEntries(first)).length === marked + 1, 60_000);
  t.equal((await statusEntries(issued.documentId)).length, 1, 'the redelivered replacement wrote nothing');
});
