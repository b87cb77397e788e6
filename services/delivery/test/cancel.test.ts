/**
 * An issued document cancelled at intake, on the real PostgreSQL and Kafka:
 * `document.cancelled` with its `symbol` asks every leg that holds the document to give it
 * back exactly as a recall (13, a new inbox order, `delivery.status-changed` 13, the
 * RecallRequest evidence), the delivery's recall of kind `cancelled`, once however often the
 * event comes; before its fan-out it is parked and applied by the fan-out; recipients answer
 * 15 or 16 as to a recall. Without `symbol` (never issued, never delivered) it is noted as
 * handled and nothing else happens; naming another office as sender, nothing changes.
 */
import t from 'tap';
import { createEnvelope } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { eventDefinitions, validateEventData } from '@lienthong/records';
import type { DocumentCancelled } from '@lienthong/records';
import { waitFor } from '../../../test/support/env.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t, { bus: 'kafka' });
const { app, pool } = d;

type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
const sender = callerOf('VPTU-A', 'registry');

/** `document.cancelled` of `documentId`; `symbol` null for a document never issued. */
function cancelledEnvelope(
  documentId: string,
  reason = 'Ban hành nhầm đối tượng',
  symbol: string | null = '12-CT/TU',
  office = 'VPTU-A',
): EventEnvelope<DocumentCancelled> {
  const definition = eventDefinitions.documentCancelled;
  const data: DocumentCancelled = {
    documentId,
    office,
    ...(symbol === null ? {} : { symbol }),
    reason,
    cancelledAt: new Date().toISOString(),
  };
  if (!validateEventData(definition.type, definition.version, data).ok) throw new Error('invalid test event');
  return createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'intake',
    subject: documentId,
    data,
  });
}

const publish = (envelope: EventEnvelope) =>
  d.bus.publish([{ topic: d.topics.cancelled, key: (envelope.data as { office: string }).office, envelope }]);

/** The legs of `documentId` by recipient: status and inbox order. */
async function legs(documentId: string): Promise<Map<string, { id: string; status: string | null; seq: number }>> {
  const { rows } = await pool.query<{ id: string; recipient: string; status: string | null; inbox_seq: string }>(
    `SELECT l.id, l.recipient, l.status, l.inbox_seq FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE d.document_id = $1`,
    [documentId],
  );
  return new Map(rows.map((r) => [r.recipient, { id: r.id, status: r.status, seq: Number(r.inbox_seq) }]));
}

const countWhere = async (sql: string, values: unknown[]) =>
  Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, values)).rows[0]!.n);

const handled = (envelope: EventEnvelope) =>
  waitFor(
    'the event handled',
    async () =>
      (await countWhere('processed_events WHERE consumer = $1 AND event_id = $2', ['delivery-recall', envelope.id])) ===
      1,
  );

/** Everything the recall consumer may change for `documentId`. */
async function stateOf(documentId: string): Promise<string> {
  const q = async (sql: string): Promise<unknown[]> => (await pool.query(sql, [documentId])).rows as unknown[];
  return JSON.stringify([
    await q(`SELECT l.* FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1
             ORDER BY l.recipient`),
    await q('SELECT recall_kind, recall_reason FROM delivery WHERE document_id = $1'),
    await q(`SELECT count(*) FROM leg_event e JOIN delivery_leg l ON l.id = e.leg_id
             JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1`),
    await q('SELECT count(*) FROM evidence e JOIN delivery d ON d.id = e.delivery_id WHERE d.document_id = $1'),
    await q('SELECT count(*) FROM recall_parked WHERE document_id = $1'),
  ]);
}

const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'TU-B']);
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 3);
const before = await legs(data.documentId);
const ids = { a1: before.get('HU-A1')!.id, b1: before.get('HU-B1')!.id, tub: before.get('TU-B')!.id };

await t.test('document.cancelled with its symbol: 13 in the inboxes, once, however often it comes', async (t) => {
  const refused = await call('POST', `/v1/inbox/${ids.tub}/refusal`, callerOf('TU-B', 'registry'), {
    reason: 'Không thuộc thẩm quyền',
  });
  t.equal(refused.statusCode, 200, 'TU-B refuses on arrival (02): it holds nothing to give back');
  const cancelled = cancelledEnvelope(data.documentId);
  await publish(cancelled);
  await publish(cancelled);
  const second = cancelledEnvelope(data.documentId, 'Lần thứ hai');
  await publish(second);
  // Kafka keeps the order of one key (the office): when the third event is handled, the first two were.
  await handled(second);
  const after = await legs(data.documentId);
  t.equal(after.get('HU-A1')!.status, '13');
  t.equal(after.get('HU-B1')!.status, '13');
  t.equal(after.get('TU-B')!.status, '02', 'a leg refused on arrival is not asked');
  t.ok(after.get('HU-A1')!.seq > before.get('HU-A1')!.seq, 'a new inbox order: streams send it again');
  const scoped = `JOIN delivery_leg l ON l.id = e.leg_id JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1`;
  t.equal(
    await countWhere(`leg_event e ${scoped} AND e.code = '13' AND e.event = 'take-back-requested'`, [data.documentId]),
    2,
    'one 13 per leg: the repeated event and the second one did nothing',
  );
  t.equal(
    await countWhere(
      `evidence e JOIN delivery d ON d.id = e.delivery_id WHERE d.document_id = $1 AND e.event = 'RecallRequest'
       AND e.acting_office = 'VPTU-A'`,
      [data.documentId],
    ),
    2,
    "a RecallRequest per leg asked, the sender's act",
  );
  const events = await pool.query<{ data: { status: string; businessType: string; reason: string } }>(
    `SELECT envelope->'data' AS data FROM outbox WHERE envelope->>'type' = 'delivery.status-changed'
     AND envelope->'data'->>'status' = '13' AND envelope->'data'->>'documentId' = $1`,
    [data.documentId],
  );
  t.equal(events.rows.length, 2);
  t.match(events.rows[0]!.data, { businessType: 'recall', reason: 'Ban hành nhầm đối tượng' });

  const inbox = await call('GET', '/v1/inbox?status=13', callerOf('HU-A1', 'office-system'));
  t.match(inbox.json(), {
    entries: [{ id: ids.a1, status: '13', recall: { kind: 'cancelled', reason: 'Ban hành nhầm đối tượng' } }],
  });
});

await t.test('the recipients answer 15 or 16 as to a recall; the sender sees the cancellation', async (t) => {
  const accepted = await call('POST', `/v1/inbox/${ids.a1}/recall-answer`, callerOf('HU-A1', 'registry'), {
    accept: true,
  });
  t.equal(accepted.statusCode, 200, accepted.body);
  t.match(accepted.json(), { status: '15' });
  const refused = await call('POST', `/v1/inbox/${ids.b1}/recall-answer`, callerOf('HU-B1', 'registry'), {
    accept: false,
    reason: 'Đã triển khai thực hiện',
  });
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), { status: '16', recallRefusalReason: 'Đã triển khai thực hiện' });

  const list = await call('GET', `/v1/deliveries?document=${data.documentId}`, sender);
  const [delivery] = list.json<{ deliveries: { id: string }[] }>().deliveries;
  t.match(delivery, {
    recall: { kind: 'cancelled', reason: 'Ban hành nhầm đối tượng', replacedBy: null },
    counts: { byStatus: { '02': 1, '15': 1, '16': 1 }, total: 3 },
  });
  const one = await call('GET', `/v1/deliveries/${delivery!.id}`, sender);
  t.equal(one.statusCode, 200);
  t.match(one.json(), { delivery: { recall: { kind: 'cancelled' } } });
  const docs = await call('GET', '/docs/json', sender);
  t.equal(docs.statusCode, 200);
  t.match(docs.body, /"cancelled"/, 'the API schema names the kind');
});

await t.test('document.cancelled before the fan-out is parked, then the document arrives at 13', async (t) => {
  const early = await issueDocument(d, ['HU-A1', 'DU-A11']);
  await publish(cancelledEnvelope(early.documentId, 'Hủy số ngay'));
  await waitFor(
    'the cancellation parked',
    async () => (await countWhere('recall_parked WHERE document_id = $1', [early.documentId])) === 1,
  );
  await publishIssued(d, issuedEnvelope(early));
  await waitForConsigned(pool, early.documentId, 2);
  await waitFor('both in their inboxes', async () =>
    [...(await legs(early.documentId)).values()].every((l) => l.seq > 0),
  );
  const after = await legs(early.documentId);
  t.same(
    [...after.values()].map((l) => l.status),
    ['13', '13'],
    'they arrive asking for an answer',
  );
  t.equal(await countWhere('recall_parked WHERE document_id = $1', [early.documentId]), 0, 'nothing left parked');
  const entry = await call('GET', `/v1/inbox/${after.get('DU-A11')!.id}`, callerOf('DU-A11', 'registry'));
  t.match(entry.json(), { entry: { status: '13', recall: { kind: 'cancelled', reason: 'Hủy số ngay' } } });
  const answered = await call(
    'POST',
    `/v1/inbox/${after.get('DU-A11')!.id}/recall-answer`,
    callerOf('DU-A11', 'registry'),
    { accept: true },
  );
  t.equal(answered.statusCode, 200, answered.body);
});

await t.test('document.cancelled without a symbol (never issued): handled once, nothing happens', async (t) => {
  const delivered = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(delivered));
  await waitForConsigned(pool, delivered.documentId, 1);
  const was = await stateOf(delivered.documentId);
  const onDelivered = cancelledEnvelope(delivered.documentId, 'Hủy bản nháp', null);
  await publish(onDelivered);
  await handled(onDelivered);
  t.equal(await stateOf(delivered.documentId), was, 'a delivered document is left as it is');

  const never = await issueDocument(d, ['HU-A1']);
  const draft = cancelledEnvelope(never.documentId, 'Hủy bản nháp', null);
  await publish(draft);
  await publish(draft);
  await handled(draft);
  t.equal(await countWhere('recall_parked WHERE document_id = $1', [never.documentId]), 0, 'nothing parked');
  t.equal(
    await countWhere('processed_events WHERE event_id = $1', [draft.id]),
    1,
    'noted once, however often it comes',
  );
});

await t.test('document.cancelled naming another office as sender changes nothing', async (t) => {
  const doc = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 1);
  const was = await stateOf(doc.documentId);
  const forged = cancelledEnvelope(doc.documentId, 'Giả mạo', '12-CT/TU', 'VPTU-B');
  await publish(forged);
  await handled(forged);
  t.equal((await legs(doc.documentId)).get('HU-A1')!.status, '01');
  t.equal(await stateOf(doc.documentId), was, 'nothing changed');
});
