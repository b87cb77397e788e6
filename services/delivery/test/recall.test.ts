/**
 * Recall (thu hồi) and replacement on the real PostgreSQL and Kafka: `document.recalled`
 * puts 13 on every leg that holds the document (not one refused on arrival) with a new inbox
 * order; one recipient accepts (15: out of the inbox list, still readable by id), one refuses
 * with a reason (16); the sender sees both. The same event twice, or a second recall, changes
 * nothing; a recall that comes before its document's fan-out is applied by the fan-out; a
 * replacement names the new document in each leg's history. Hostile input on the answer
 * route: problem+json 4xx, nothing changed.
 */
import t from 'tap';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createEnvelope } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { eventDefinitions } from '@lienthong/records';
import type { DocumentRecalled, DocumentReplaced } from '@lienthong/records';
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
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
const sender = callerOf('VPTU-A', 'registry');

function recallEnvelope(documentId: string, reason = 'Ban hành nhầm nơi nhận'): EventEnvelope<DocumentRecalled> {
  const definition = eventDefinitions.documentRecalled;
  return createEnvelope({
    type: definition.type,
    schemaVersion: definition.version,
    source: 'intake',
    subject: documentId,
    data: { documentId, office: 'VPTU-A', symbol: '12-CT/TU', reason, recalledAt: new Date().toISOString() },
  });
}

const publish = (topic: string, envelope: EventEnvelope) =>
  d.bus.publish([{ topic, key: (envelope.data as { office: string }).office, envelope }]);

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

const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'TU-B']);
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 3);
const before = await legs(data.documentId);
const ids = { a1: before.get('HU-A1')!.id, b1: before.get('HU-B1')!.id, tub: before.get('TU-B')!.id };

await t.test('before any recall: answering one is 409 RECALL_NOT_ASKED', async (t) => {
  const res = await call('POST', `/v1/inbox/${ids.a1}/recall-answer`, callerOf('HU-A1', 'registry'), {
    accept: true,
  });
  t.equal(res.statusCode, 409);
  t.match(res.json(), { code: 'RECALL_NOT_ASKED', current: '01' });
  const refused = await call('POST', `/v1/inbox/${ids.tub}/refusal`, callerOf('TU-B', 'registry'), {
    reason: 'Không thuộc thẩm quyền',
  });
  t.equal(refused.statusCode, 200, 'TU-B refuses on arrival (02): it holds nothing to take back');
});

await t.test('the recall: 13 in the inboxes, once, however often the event comes', async (t) => {
  const recall = recallEnvelope(data.documentId);
  await publish(d.topics.recalled, recall);
  await publish(d.topics.recalled, recall);
  await publish(d.topics.recalled, recallEnvelope(data.documentId, 'Lần thứ hai'));
  await waitFor('13 on two legs', async () => (await legs(data.documentId)).get('HU-B1')!.status === '13');
  // Kafka keeps the order of one key (the office): when the third event is handled, the first two were.
  await waitFor(
    'the three events handled',
    async () => (await countWhere('processed_events WHERE consumer = $1', ['delivery-recall'])) === 2,
  );
  const after = await legs(data.documentId);
  t.equal(after.get('HU-A1')!.status, '13');
  t.equal(after.get('TU-B')!.status, '02', 'a leg refused on arrival is not asked');
  t.ok(after.get('HU-A1')!.seq > before.get('HU-A1')!.seq, 'a new inbox order: streams send it again');
  t.equal(
    await countWhere(`leg_event WHERE code = '13'`, []),
    2,
    'one 13 per leg: the repeated event and the second recall did nothing',
  );
  const events = await pool.query<{ data: { status: string; businessType: string; reason: string } }>(
    `SELECT envelope->'data' AS data FROM outbox WHERE envelope->>'type' = 'delivery.status-changed'
     AND envelope->'data'->>'status' = '13'`,
  );
  t.equal(events.rows.length, 2);
  t.match(events.rows[0]!.data, { businessType: 'recall', reason: 'Ban hành nhầm nơi nhận' });

  const inbox = await call('GET', '/v1/inbox?status=13', callerOf('HU-A1', 'office-system'));
  t.match(inbox.json(), {
    entries: [{ id: ids.a1, status: '13', recall: { kind: 'recalled', reason: 'Ban hành nhầm nơi nhận' } }],
  });
});

await t.test('hostile answers: problem+json 4xx, nothing changed', async (t) => {
  const state = async () =>
    JSON.stringify([
      (await pool.query('SELECT * FROM delivery_leg ORDER BY id')).rows,
      (await pool.query('SELECT count(*) FROM leg_event')).rows,
      (await pool.query('SELECT count(*) FROM outbox')).rows,
    ]);
  const a1 = callerOf('HU-A1', 'registry');
  const url = `/v1/inbox/${ids.a1}/recall-answer`;
  const cases: Array<[string, string, Headers, unknown, number, string?]> = [
    ['a refusal without reason', url, a1, { accept: false }, 400, 'BAD_REQUEST'],
    ['an empty reason', url, a1, { accept: false, reason: '' }, 400, 'VALIDATION_FAILED'],
    ['a control character', url, a1, { accept: false, reason: 'a\u0007b' }, 400, 'BAD_REQUEST'],
    ['too long', url, a1, { accept: false, reason: 'x'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
    ['accept as text', url, a1, { accept: 'yes' }, 400, 'VALIDATION_FAILED'],
    ['no accept', url, a1, { reason: 'x' }, 400, 'VALIDATION_FAILED'],
    ['an extra field', url, a1, { accept: true, status: '15' }, 400, 'VALIDATION_FAILED'],
    ['not JSON', url, a1, '{"accept":', 400, 'MALFORMED_BODY'],
    ['an array', url, a1, [true], 400, 'VALIDATION_FAILED'],
    ['another office', url, callerOf('HU-B1', 'registry'), { accept: true }, 404, 'INBOX_ENTRY_NOT_FOUND'],
    ['the sender', url, sender, { accept: true }, 404, 'INBOX_ENTRY_NOT_FOUND'],
    ['no role', url, callerOf('HU-A1', 'signer'), { accept: true }, 403, 'FORBIDDEN'],
    ['not an id', "/v1/inbox/'%20OR%201=1/recall-answer", a1, { accept: true }, 404, 'INBOX_ENTRY_NOT_FOUND'],
    ['unknown id', `/v1/inbox/${randomUUID()}/recall-answer`, a1, { accept: true }, 404, 'INBOX_ENTRY_NOT_FOUND'],
    [
      'refused on arrival',
      `/v1/inbox/${ids.tub}/recall-answer`,
      callerOf('TU-B', 'registry'),
      { accept: true },
      409,
      'RECALL_NOT_ASKED',
    ],
  ];
  const was = await state();
  for (const [name, path, headers, body, status, code] of cases) {
    const res = await call('POST', path, headers, body);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, name);
    if (code !== undefined) t.equal(res.json<{ code: string }>().code, code, name);
  }
  const anonymous = await app.inject({ method: 'POST', url, payload: { accept: true } });
  t.equal(anonymous.statusCode, 401);
  t.equal(await state(), was, 'nothing changed');
});

await t.test('answers: one accepts (15, out of the list), one refuses (16 with its reason); not twice', async (t) => {
  const a1 = callerOf('HU-A1', 'office-system');
  const accepted = await call('POST', `/v1/inbox/${ids.a1}/recall-answer`, a1, { accept: true });
  t.equal(accepted.statusCode, 200, accepted.body);
  t.match(accepted.json(), { status: '15' });
  const refused = await call('POST', `/v1/inbox/${ids.b1}/recall-answer`, callerOf('HU-B1', 'registry'), {
    accept: false,
    reason: 'Đã triển khai thực hiện',
  });
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), { status: '16', recallRefusalReason: 'Đã triển khai thực hiện' });

  const list = await call('GET', '/v1/inbox', a1);
  t.notOk(
    list.json<{ entries: { id: string }[] }>().entries.some((e) => e.id === ids.a1),
    'a recall accepted leaves the list',
  );
  const kept = await call('GET', '/v1/inbox?status=15', a1);
  t.equal(kept.json<{ entries: unknown[] }>().entries.length, 1, 'asked for, it is listed');
  const one = await call('GET', `/v1/inbox/${ids.a1}`, a1);
  t.equal(one.statusCode, 200, 'still readable by id');
  t.same(
    one.json<{ history: { event: string; code: string | null }[] }>().history.map((h) => [h.event, h.code]),
    [
      ['submitted', null],
      ['consigned', '01'],
      ['take-back-requested', '13'],
      ['take-back-accepted', '15'],
    ],
  );

  const twice = await call('POST', `/v1/inbox/${ids.a1}/recall-answer`, a1, { accept: false, reason: 'x' });
  t.equal(twice.statusCode, 409);
  t.match(twice.json(), { code: 'RECALL_ALREADY_ANSWERED', current: '15' });
  const accept = await call('POST', `/v1/inbox/${ids.a1}/acceptance`, callerOf('HU-A1', 'registry'));
  t.equal(
    accept.statusCode,
    409,
    'no acceptance after the recall was accepted (after 16: recall-after-refusal.test.ts)',
  );
  t.match(accept.json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '15' });

  const changed = await pool.query<{ status: string; reason: string | null; businessType: string }>(
    `SELECT envelope->'data'->>'status' AS status, envelope->'data'->>'reason' AS reason,
       envelope->'data'->>'businessType' AS "businessType"
     FROM outbox WHERE envelope->>'type' = 'delivery.status-changed' AND envelope->'data'->>'status' IN ('15', '16')
     ORDER BY 1`,
  );
  t.same(changed.rows, [
    { status: '15', reason: null, businessType: 'recall' },
    { status: '16', reason: 'Đã triển khai thực hiện', businessType: 'recall' },
  ]);
});

await t.test("the sender's view: the recall and each recipient's answer", async (t) => {
  const list = await call('GET', `/v1/deliveries?document=${data.documentId}`, sender);
  const [delivery] = list.json<{ deliveries: { id: string }[] }>().deliveries;
  t.match(delivery, {
    recall: { kind: 'recalled', reason: 'Ban hành nhầm nơi nhận', replacedBy: null },
    counts: { byStatus: { '02': 1, '15': 1, '16': 1 }, total: 3 },
  });
  const one = await call('GET', `/v1/deliveries/${delivery!.id}`, sender);
  t.same(
    one
      .json<{ legs: { recipient: string; status: string; recallRefusalReason: string | null }[] }>()
      .legs.map((l) => [l.recipient, l.status, l.recallRefusalReason]),
    [
      ['HU-A1', '15', null],
      ['HU-B1', '16', 'Đã triển khai thực hiện'],
      ['TU-B', '02', null],
    ],
  );
});

await t.test('an open stream sends the recalled entry again, at 13', async (t) => {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  const doc = await issueDocument(d, ['DU-A12']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 1);
  const { seq } = (await legs(doc.documentId)).get('DU-A12')!;
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/inbox/stream?after=${seq}`, {
    headers: callerOf('DU-A12', 'office-system'),
    signal: controller.signal,
  });
  t.equal(res.status, 200);
  await publish(d.topics.recalled, recallEnvelope(doc.documentId, 'Thu hồi để sửa'));
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  while (!/event: document\ndata: .*"status":"13"/.test(text)) {
    const { done, value } = await reader.read();
    if (done) break;
    text += value;
  }
  controller.abort();
  const [, id, data] = /id: (\d+)\nevent: document\ndata: (.*)\n/.exec(text) ?? [];
  t.ok(Number(id) > seq, 'a new event id: the inbox order the recall gave');
  t.match(JSON.parse(data ?? '{}'), {
    documentId: doc.documentId,
    status: '13',
    recall: { kind: 'recalled', reason: 'Thu hồi để sửa' },
  });
});

await t.test('a recall naming another office as sender changes nothing', async (t) => {
  const doc = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(doc));
  await waitForConsigned(pool, doc.documentId, 1);
  const forged = recallEnvelope(doc.documentId);
  (forged.data as { office: string }).office = 'VPTU-B';
  await publish(d.topics.recalled, forged);
  await waitFor(
    'the event handled',
    async () => (await countWhere('processed_events WHERE event_id = $1', [forged.id])) === 1,
  );
  t.equal((await legs(doc.documentId)).get('HU-A1')!.status, '01');
  t.equal(await countWhere('delivery WHERE document_id = $1 AND recall_kind IS NOT NULL', [doc.documentId]), 0);
});

await t.test('a recall before its fan-out waits for it, then the document arrives recalled', async (t) => {
  const early = await issueDocument(d, ['HU-A1', 'DU-A11']);
  await publish(d.topics.recalled, recallEnvelope(early.documentId, 'Thu hồi ngay'));
  await waitFor(
    'the recall parked',
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
  t.equal(await countWhere('recall_parked', []), 0, 'nothing left parked');
  const answered = await call(
    'POST',
    `/v1/inbox/${after.get('DU-A11')!.id}/recall-answer`,
    callerOf('DU-A11', 'registry'),
    { accept: true },
  );
  t.equal(answered.statusCode, 200, answered.body);
});

await t.test('a replacement: each leg names the new document, the sender sees it', async (t) => {
  const old = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(old));
  await waitForConsigned(pool, old.documentId, 1);
  const replacedBy = randomUUID();
  const definition = eventDefinitions.documentReplaced;
  const data: DocumentReplaced = {
    documentId: old.documentId,
    office: 'VPTU-A',
    symbol: '12-CT/TU',
    replacedBy,
    reason: 'Thay thế do sai sót',
    replacedAt: new Date().toISOString(),
  };
  await publish(
    d.topics.replaced,
    createEnvelope({ type: definition.type, schemaVersion: 1, source: 'intake', subject: old.documentId, data }),
  );
  const leg = (await legs(old.documentId)).get('HU-A1')!;
  await waitFor(
    'the replacement in the history',
    async () => (await countWhere(`leg_event WHERE leg_id = $1 AND event = 'replaced'`, [leg.id])) === 1,
  );
  const entry = await call('GET', `/v1/inbox/${leg.id}`, callerOf('HU-A1', 'registry'));
  t.match(entry.json(), {
    entry: { status: '01', recall: { kind: 'replaced', replacedBy } },
    history: [{}, {}, { event: 'replaced', reason: 'Thay thế do sai sót', detail: { replacedBy } }],
  });
});
