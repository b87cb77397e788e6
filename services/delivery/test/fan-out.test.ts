/**
 * The fan-out on the embedded transport: `document.issued` becomes one delivery, one leg per
 * recipient office, each consigned to its inbox exactly once; the same event again changes
 * nothing; a document issued twice under two event ids still has one delivery; an invalid
 * event makes nothing. Urgent legs travel on their own topic and lead the inbox.
 */
import t from 'tap';
import { createEnvelope } from '@lienthong/bus';
import {
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
  callerOf,
} from './support.ts';

const d = await deliveryForFile(t);
const { pool, app } = d;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);
const outboxOf = (topic: string) => count('SELECT count(*) AS n FROM outbox WHERE topic = $1', [topic]);

await t.test('one delivery, one leg per office, each in its inbox once', async (t) => {
  const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'DU-A11']);
  const envelope = issuedEnvelope(data);
  await publishIssued(d, envelope);
  await waitForConsigned(pool, data.documentId, 3);
  t.equal(await count('SELECT count(*) AS n FROM delivery WHERE document_id = $1', [data.documentId]), 1);
  const legs = await pool.query<{ recipient: string; status: string }>(
    'SELECT recipient, status FROM delivery_leg ORDER BY recipient',
  );
  t.same(legs.rows, [
    { recipient: 'DU-A11', status: '01' },
    { recipient: 'HU-A1', status: '01' },
    { recipient: 'HU-B1', status: '01' },
  ]);
  t.equal(await outboxOf(d.topics.sent), 3, 'one delivery.sent per leg');
  t.equal(await outboxOf(d.topics.statusChanged), 3, 'one 01 per leg for the sender');
  const history = await pool.query<{ event: string; code: string | null }>(
    "SELECT event, code FROM leg_event e JOIN delivery_leg l ON l.id = e.leg_id WHERE l.recipient = 'HU-A1' ORDER BY e.id",
  );
  t.same(history.rows, [
    { event: 'submitted', code: null },
    { event: 'consigned', code: '01' },
  ]);

  // The same event again (redelivery), and the same document under a new event id.
  await publishIssued(d, envelope);
  await publishIssued(d, issuedEnvelope(data));
  const marker = await issueDocument(d, ['HU-A1']);
  await publishIssued(d, issuedEnvelope(marker));
  await waitForConsigned(pool, marker.documentId, 1);
  t.equal(await count('SELECT count(*) AS n FROM delivery'), 2, 'no second delivery of the same document');
  t.equal(await count("SELECT count(*) AS n FROM delivery_leg WHERE recipient = 'HU-A1'"), 2);
  t.equal(await outboxOf(d.topics.sent), 4, 'no delivery.sent twice');
});

await t.test('an invalid event makes nothing (it goes to the dead-letter topic)', async (t) => {
  const data = await issueDocument(d, ['HU-A1']);
  const bad = createEnvelope({
    type: 'document.issued',
    source: 'intake',
    subject: data.documentId,
    data: { ...data, deliverTo: 'HU-A1' },
  });
  await d.bus.publish([{ topic: d.topics.issued, key: data.office, envelope: bad }]);
  const marker = await issueDocument(d, ['HU-B1']);
  await publishIssued(d, issuedEnvelope(marker));
  await waitForConsigned(pool, marker.documentId, 1);
  t.equal(await count('SELECT count(*) AS n FROM delivery WHERE document_id = $1', [data.documentId]), 0);
});

await t.test('urgent legs go on the urgent topic and lead the inbox', async (t) => {
  const ordinary = await issueDocument(d, ['DU-A12']);
  await publishIssued(d, issuedEnvelope(ordinary));
  await waitForConsigned(pool, ordinary.documentId, 1);
  const flash = await issueDocument(d, ['DU-A12'], { urgency: 'flash', deadline: '2026-03-02T17:00:00+07:00' });
  await publishIssued(d, issuedEnvelope(flash));
  await waitForConsigned(pool, flash.documentId, 1);
  const later = await issueDocument(d, ['DU-A12']);
  await publishIssued(d, issuedEnvelope(later));
  await waitForConsigned(pool, later.documentId, 1);
  t.equal(await outboxOf(d.topics.sentUrgent), 1, 'the Hỏa tốc leg on the urgent topic');
  const res = await app.inject({ method: 'GET', url: '/v1/inbox', headers: callerOf('DU-A12', 'office-system') });
  t.equal(res.statusCode, 200, res.body);
  t.same(
    res.json<{ entries: { documentId: string }[] }>().entries.map((e) => e.documentId),
    [flash.documentId, later.documentId, ordinary.documentId],
    'urgent first, then newest',
  );
});
