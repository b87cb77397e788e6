/**
 * After a recall refused (16) on the real PostgreSQL with a real intake: the recipient that
 * kept the document goes on from where it stood when the recall was asked. From 01 it
 * accepts (03 with the số đến from intake's incoming register, its AcceptanceByRecipient
 * evidence) or refuses (02); from 03 it reports 04 then 06, never accepts again; from 05 only
 * 06; from 06 nothing; after 15 nothing. A document recalled before it arrived comes in at
 * 13 and, the recall refused, may be accepted. The history keeps 13 and 16, the entry its
 * `recallRefusalReason`, and the sender counts the new status. Hostile callers: 404/403/400,
 * nothing changed. Legs recalled before migration 0006 get their status back from history.
 */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { createEnvelope } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { eventDefinitions } from '@lienthong/records';
import type { DocumentIssued, DocumentRecalled } from '@lienthong/records';
import { intakeForFile } from '../../intake/test/support.ts';
import { seedRegisterOffices } from '../../intake/test/register-support.ts';
import { waitFor } from '../../../test/support/env.ts';
import { deliveryMigrations } from '../src/migrations.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const intake = await intakeForFile(t);
await seedRegisterOffices(intake.pool);
await intake.app.listen({ port: 0, host: '127.0.0.1' });
const intakeUrl = `http://127.0.0.1:${(intake.app.server.address() as AddressInfo).port}`;
const d = await deliveryForFile(t, { env: { LIENTHONG_DELIVERY_INTAKE_URL: intakeUrl } });
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
const as = (office: string) => callerOf(office, 'registry');
const accept = (id: string, office: string) => call('POST', `/v1/inbox/${id}/acceptance`, as(office));
const refuse = (id: string, office: string, reason: string) =>
  call('POST', `/v1/inbox/${id}/refusal`, as(office), { reason });
const report = (id: string, office: string, status: string) =>
  call('POST', `/v1/inbox/${id}/status`, as(office), { status });
const answerRecall = (id: string, office: string, answer: { accept: boolean; reason?: string }) =>
  call('POST', `/v1/inbox/${id}/recall-answer`, as(office), answer);

const countWhere = async (sql: string, values: unknown[]) =>
  Number((await pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${sql}`, values)).rows[0]!.n);

/** Everything an answer could change, here and in intake's registers. */
const state = async () =>
  JSON.stringify([
    (await pool.query('SELECT * FROM delivery_leg ORDER BY id')).rows,
    (await pool.query('SELECT count(*) FROM leg_event')).rows,
    (await pool.query('SELECT count(*) FROM outbox')).rows,
    (await pool.query('SELECT count(*) FROM evidence')).rows,
    (await intake.pool.query("SELECT office, number FROM register_entry WHERE register = 'incoming' ORDER BY 1, 2"))
      .rows,
  ]);

/** The legs of `documentId` by recipient: id, status, where it stood before the recall, inbox order. */
async function legsOf(
  documentId: string,
): Promise<Map<string, { id: string; deliveryId: string; status: string | null; before: string | null; seq: number }>> {
  const { rows } = await pool.query<{
    id: string;
    delivery_id: string;
    recipient: string;
    status: string | null;
    status_before_recall: string | null;
    inbox_seq: string | null;
  }>(
    `SELECT l.id, l.delivery_id, l.recipient, l.status, l.status_before_recall, l.inbox_seq
     FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1`,
    [documentId],
  );
  return new Map(
    rows.map((r) => [
      r.recipient,
      {
        id: r.id,
        deliveryId: r.delivery_id,
        status: r.status,
        before: r.status_before_recall,
        seq: Number(r.inbox_seq ?? 0),
      },
    ]),
  );
}

/** Issues a document to `offices` and waits until every leg is in its inbox; the leg ids by office. */
async function deliver(offices: string[]): Promise<{ data: DocumentIssued; ids: Record<string, string> }> {
  const data = await issueDocument(d, offices);
  await publishIssued(d, issuedEnvelope(data));
  await waitForConsigned(pool, data.documentId, offices.length);
  const legs = await legsOf(data.documentId);
  return { data, ids: Object.fromEntries(offices.map((o) => [o, legs.get(o)!.id])) };
}

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

/** Publishes the sender's recall of `documentId` and waits until the recall consumer has taken it. */
async function recall(documentId: string): Promise<void> {
  const envelope = recallEnvelope(documentId);
  await d.bus.publish([{ topic: d.topics.recalled, key: 'VPTU-A', envelope }]);
  await waitFor(
    'the recall handled',
    async () => (await countWhere('processed_events WHERE event_id = $1', [envelope.id])) === 1,
  );
}

const historyOf = async (id: string, office: string) =>
  (await call('GET', `/v1/inbox/${id}`, as(office)))
    .json<{ history: { event: string; code: string | null }[] }>()
    .history.map((h) => [h.event, h.code]);

const evidenceOf = async (deliveryId: string, office: string) =>
  (
    await pool.query<{ event: string; acting_office: string; fields: Record<string, string> }>(
      'SELECT event, acting_office, fields FROM evidence WHERE delivery_id = $1 AND recipient_office = $2 ORDER BY seq',
      [deliveryId, office],
    )
  ).rows;

await t.test('from 01: the recall refused, then accepted (03, số đến) or refused (02)', async (t) => {
  const { data, ids } = await deliver(['HU-A1', 'HU-B1']);
  await recall(data.documentId);
  const recalled = await legsOf(data.documentId);
  t.same(
    [...recalled.values()].map((l) => [l.status, l.before]),
    [
      ['13', '01'],
      ['13', '01'],
    ],
    'the status before the recall is kept',
  );
  for (const office of ['HU-A1', 'HU-B1']) {
    const res = await answerRecall(ids[office]!, office, { accept: false, reason: 'Đã triển khai thực hiện' });
    t.equal(res.statusCode, 200, res.body);
  }

  await t.test('hostile callers and input after 16: nothing changed', async (t) => {
    const before = await state();
    const a1 = ids['HU-A1']!;
    const cases: Array<[string, string, Headers, unknown, number, string]> = [
      ['another office accepts', `/v1/inbox/${a1}/acceptance`, as('HU-B1'), undefined, 404, 'INBOX_ENTRY_NOT_FOUND'],
      ['another office refuses', `/v1/inbox/${a1}/refusal`, as('HU-B1'), { reason: 'x' }, 404, 'INBOX_ENTRY_NOT_FOUND'],
      ['another office reports', `/v1/inbox/${a1}/status`, as('TU-B'), { status: '04' }, 404, 'INBOX_ENTRY_NOT_FOUND'],
      ['the sender accepts', `/v1/inbox/${a1}/acceptance`, sender, undefined, 404, 'INBOX_ENTRY_NOT_FOUND'],
      ['a signer', `/v1/inbox/${a1}/acceptance`, callerOf('HU-A1', 'signer'), undefined, 403, 'FORBIDDEN'],
      ['a refusal without reason', `/v1/inbox/${a1}/refusal`, as('HU-A1'), {}, 400, 'VALIDATION_FAILED'],
      ['a control character', `/v1/inbox/${a1}/refusal`, as('HU-A1'), { reason: 'a\u0007b' }, 400, 'BAD_REQUEST'],
      [
        'the recall again',
        `/v1/inbox/${a1}/recall-answer`,
        as('HU-A1'),
        { accept: true },
        409,
        'RECALL_ALREADY_ANSWERED',
      ],
    ];
    for (const [what, url, headers, payload, status, code] of cases) {
      const res = await call('POST', url, headers, payload);
      t.equal(res.statusCode, status, `${what}: ${res.body}`);
      t.match(res.headers['content-type'], /^application\/problem\+json/, what);
      t.equal(res.json<{ code: string }>().code, code, what);
    }
    const processing = await report(a1, 'HU-A1', '04');
    t.equal(processing.statusCode, 409, 'not accepted before the recall: no processing yet');
    t.match(processing.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '16', allowed: [] });
    t.equal(await state(), before, 'nothing changed');
  });

  const accepted = await accept(ids['HU-A1']!, 'HU-A1');
  t.equal(accepted.statusCode, 200, accepted.body);
  t.match(accepted.json(), {
    status: '03',
    incoming: { number: Number, period: /^\d{4}$/ },
    recallRefusalReason: 'Đã triển khai thực hiện',
    recall: { kind: 'recalled' },
  });
  const { number } = accepted.json<{ incoming: { number: number } }>().incoming;
  const again = await accept(ids['HU-A1']!, 'HU-A1');
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '03' });
  t.same(await historyOf(ids['HU-A1']!, 'HU-A1'), [
    ['submitted', null],
    ['consigned', '01'],
    ['take-back-requested', '13'],
    ['take-back-refused', '16'],
    ['accepted', '03'],
  ]);

  const refused = await refuse(ids['HU-B1']!, 'HU-B1', 'Không thuộc thẩm quyền');
  t.equal(refused.statusCode, 200, refused.body);
  t.match(refused.json(), { status: '02', refusalReason: 'Không thuộc thẩm quyền', incoming: null });
  t.equal((await accept(ids['HU-B1']!, 'HU-B1')).statusCode, 409, 'refused: no acceptance after');

  const deliveryId = recalled.get('HU-A1')!.deliveryId;
  const a1 = await evidenceOf(deliveryId, 'HU-A1');
  t.same(
    a1.map((e) => e.event),
    ['ContentConsignment', 'RecallRequest', 'RecallRejection', 'AcceptanceByRecipient'],
    'the acceptance after 16 is evidenced as any acceptance',
  );
  t.match(a1.at(-1), { acting_office: 'HU-A1', fields: { incomingNumber: String(number) } });
  t.same(
    (await evidenceOf(deliveryId, 'HU-B1')).map((e) => [e.event, e.fields.reason]),
    [
      ['ContentConsignment', undefined],
      ['RecallRequest', 'Ban hành nhầm nơi nhận'],
      ['RecallRejection', 'Đã triển khai thực hiện'],
      ['RejectionByRecipient', 'Không thuộc thẩm quyền'],
    ],
  );

  const told = await pool.query<{ status: string; businessType: string }>(
    `SELECT envelope->'data'->>'status' AS status, envelope->'data'->>'businessType' AS "businessType"
     FROM outbox WHERE topic = $1 AND envelope->'data'->>'deliveryId' = $2 ORDER BY id`,
    [d.topics.statusChanged, ids['HU-A1']],
  );
  t.same(
    told.rows.map((r) => [r.status, r.businessType]),
    [
      ['01', 'new'],
      ['13', 'recall'],
      ['16', 'recall'],
      ['03', 'new'],
    ],
    'the sender learns each step',
  );

  const list = await call('GET', `/v1/deliveries?document=${data.documentId}`, sender);
  t.match(list.json(), { deliveries: [{ counts: { byStatus: { '02': 1, '03': 1 }, total: 2 } }] });
  t.notOk('16' in list.json<{ deliveries: [{ counts: { byStatus: object } }] }>().deliveries[0].counts.byStatus);
  const one = await call('GET', `/v1/deliveries/${deliveryId}`, sender);
  t.same(
    one
      .json<{ legs: { recipient: string; status: string; recallRefusalReason: string | null }[] }>()
      .legs.map((l) => [l.recipient, l.status, l.recallRefusalReason]),
    [
      ['HU-A1', '03', 'Đã triển khai thực hiện'],
      ['HU-B1', '02', 'Đã triển khai thực hiện'],
    ],
  );
  const inbox = await call('GET', '/v1/inbox?status=03', as('HU-A1'));
  t.ok(
    inbox.json<{ entries: { id: string }[] }>().entries.some((e) => e.id === ids['HU-A1']),
    'the inbox lists it at 03',
  );
});

await t.test('from 03, 05, 06: forwards from where it stood; after 15 nothing', async (t) => {
  const { data, ids } = await deliver(['TU-B', 'HU-A1', 'VPTU-A', 'TU-A']);
  for (const office of ['TU-B', 'HU-A1', 'VPTU-A', 'TU-A'])
    t.equal((await accept(ids[office]!, office)).statusCode, 200, `${office} accepts`);
  t.equal((await report(ids['HU-A1']!, 'HU-A1', '05')).statusCode, 200);
  t.equal((await report(ids['VPTU-A']!, 'VPTU-A', '06')).statusCode, 200);
  await recall(data.documentId);
  const recalled = await legsOf(data.documentId);
  t.same(
    ['TU-B', 'HU-A1', 'VPTU-A', 'TU-A'].map((o) => [recalled.get(o)!.status, recalled.get(o)!.before]),
    [
      ['13', '03'],
      ['13', '05'],
      ['13', '06'],
      ['13', '03'],
    ],
  );
  for (const office of ['TU-B', 'HU-A1', 'VPTU-A'])
    t.equal((await answerRecall(ids[office]!, office, { accept: false, reason: 'Giữ lại' })).statusCode, 200);
  t.equal((await answerRecall(ids['TU-A']!, 'TU-A', { accept: true })).statusCode, 200);

  const before = await state();
  const refusedAt = async (id: string, office: string, what: string) => {
    const res = await refuse(id, office, 'Không');
    t.equal(res.statusCode, 409, `${what}: refusal`);
    t.match(res.json(), { code: 'DELIVERY_ALREADY_ANSWERED' }, what);
  };
  const tub = await accept(ids['TU-B']!, 'TU-B');
  t.equal(tub.statusCode, 409, 'accepted before the recall: not again');
  t.match(tub.json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '16' });
  await refusedAt(ids['TU-B']!, 'TU-B', '03 before');
  const back = await report(ids['HU-A1']!, 'HU-A1', '04');
  t.equal(back.statusCode, 409, '05 before the recall: not back to 04');
  t.match(back.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '16', allowed: ['06'] });
  for (const status of ['04', '05', '06']) {
    const res = await report(ids['VPTU-A']!, 'VPTU-A', status);
    t.equal(res.statusCode, 409, `completed before the recall: not ${status}`);
    t.match(res.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '16', allowed: [] });
  }
  t.match((await accept(ids['VPTU-A']!, 'VPTU-A')).json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '16' });
  for (const status of ['04', '06']) {
    const res = await report(ids['TU-A']!, 'TU-A', status);
    t.equal(res.statusCode, 409, `given back (15): not ${status}`);
    t.match(res.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '15', allowed: [] });
  }
  t.match((await accept(ids['TU-A']!, 'TU-A')).json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '15' });
  await refusedAt(ids['TU-A']!, 'TU-A', '15');
  t.equal(await state(), before, 'nothing changed');

  const assigned = await report(ids['TU-B']!, 'TU-B', '04');
  t.equal(assigned.statusCode, 200, assigned.body);
  t.match(assigned.json(), { status: '04', recallRefusalReason: 'Giữ lại' });
  const stillBack = await report(ids['TU-B']!, 'TU-B', '04');
  t.match(stillBack.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '04', allowed: ['05', '06'] });
  t.equal((await report(ids['TU-B']!, 'TU-B', '06')).statusCode, 200);
  const tubAgain = await accept(ids['TU-B']!, 'TU-B');
  t.equal(tubAgain.statusCode, 409);
  t.match(tubAgain.json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '06' });
  t.equal((await report(ids['HU-A1']!, 'HU-A1', '06')).statusCode, 200, '05 before the recall: 06 now');
  t.same(await historyOf(ids['TU-B']!, 'TU-B'), [
    ['submitted', null],
    ['consigned', '01'],
    ['accepted', '03'],
    ['take-back-requested', '13'],
    ['take-back-refused', '16'],
    ['assigned', '04'],
    ['completed', '06'],
  ]);
  t.equal(
    await countWhere(`evidence WHERE recipient_office = 'TU-B' AND delivery_id = $1 AND event = $2`, [
      recalled.get('TU-B')!.deliveryId,
      'AcceptanceByRecipient',
    ]),
    1,
    'one acceptance evidenced: the one before the recall',
  );
  const list = await call('GET', `/v1/deliveries?document=${data.documentId}`, sender);
  t.match(list.json(), { deliveries: [{ counts: { byStatus: { '06': 2, '15': 1, '16': 1 }, total: 4 } }] });
});

await t.test('recalled before it arrived: in at 13, the recall refused, then accepted', async (t) => {
  const early = await issueDocument(d, ['HU-B1']);
  const envelope = recallEnvelope(early.documentId, 'Thu hồi ngay');
  await d.bus.publish([{ topic: d.topics.recalled, key: 'VPTU-A', envelope }]);
  await waitFor(
    'the recall parked',
    async () => (await countWhere('recall_parked WHERE document_id = $1', [early.documentId])) === 1,
  );
  await publishIssued(d, issuedEnvelope(early));
  await waitFor('in the inbox', async () => ((await legsOf(early.documentId)).get('HU-B1')?.seq ?? 0) > 0);
  const leg = (await legsOf(early.documentId)).get('HU-B1')!;
  t.same([leg.status, leg.before], ['13', null], 'arrived at 13, not in an inbox when asked');
  t.match((await accept(leg.id, 'HU-B1')).json(), { code: 'DELIVERY_ALREADY_ANSWERED', current: '13' });
  t.equal((await answerRecall(leg.id, 'HU-B1', { accept: false, reason: 'Đã nhận' })).statusCode, 200);
  const accepted = await accept(leg.id, 'HU-B1');
  t.equal(accepted.statusCode, 200, accepted.body);
  t.match(accepted.json(), { status: '03', incoming: { number: Number }, recallRefusalReason: 'Đã nhận' });
  t.equal(
    await countWhere(`evidence WHERE delivery_id = $1 AND recipient_office = 'HU-B1' AND event = $2`, [
      leg.deliveryId,
      'AcceptanceByRecipient',
    ]),
    1,
  );
});

await t.test('migration 0006 gives legs recalled before it their status from the history', async (t) => {
  const { data, ids } = await deliver(['TU-B', 'HU-B1']);
  t.equal((await accept(ids['TU-B']!, 'TU-B')).statusCode, 200);
  t.equal((await report(ids['TU-B']!, 'TU-B', '05')).statusCode, 200);
  await recall(data.documentId);
  t.equal((await answerRecall(ids['TU-B']!, 'TU-B', { accept: false, reason: 'Giữ lại' })).statusCode, 200);
  await pool.query('UPDATE delivery_leg SET status_before_recall = NULL WHERE id = ANY($1::uuid[])', [
    Object.values(ids),
  ]);
  const migration = deliveryMigrations.find((m) => m.id === '0006_status_before_recall')!;
  await pool.query(migration.sql.slice(migration.sql.indexOf('UPDATE')));
  const legs = await legsOf(data.documentId);
  t.same(
    [legs.get('TU-B')!.before, legs.get('HU-B1')!.before],
    ['05', '01'],
    'the last status before the 13 (the consignment at 01 too)',
  );
  t.match((await report(ids['TU-B']!, 'TU-B', '04')).json(), { allowed: ['06'] });
});
