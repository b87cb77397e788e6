/**
 * The batch builders of the fan-out (`delivery.sent`) and of consignment
 * (`delivery.status-changed`): one full libs/records check per group of events and a pattern
 * check of each further leg's id and recipient give the verdict of a full check of every
 * event — every event made passes it, and a hostile leg anywhere is refused.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { eventDefinitions, validateEventData } from '@lienthong/records';
import type { Delivery, Leg } from '../src/deliveries/delivery.ts';
import { sentEvents, statusChangedEvents } from '../src/deliveries/delivery-events.ts';
import { deliveryTopics } from '../src/topics.ts';

const topics = deliveryTopics('sent-events-test');
const at = new Date('2026-03-01T01:00:00Z');
const delivery: Delivery = {
  id: randomUUID(),
  documentId: randomUUID(),
  sender: 'VPTU-A',
  symbol: '12-CT/TU',
  documentType: 'CT',
  subject: 'Về tăng cường công tác phòng, chống tham nhũng',
  urgency: 'ordinary',
  priority: 0,
  secrecy: 'ordinary',
  deadline: null,
  issuedAt: at,
  file: {
    sha256: 'a'.repeat(64),
    byteLength: 4096,
    mediaType: 'application/pdf',
    bucket: 'b',
    key: 'documents/x/issued.pdf',
    versionId: null,
  },
  createdAt: at,
  recall: null,
};
const legs = (recipients: string[]): Array<{ id: string; recipient: string }> =>
  recipients.map((recipient) => ({ id: randomUUID(), recipient }));

await t.test('every event made passes the full check, in leg order', async (t) => {
  const made = legs(['HU-A1', 'HU-B1', 'DU-A11', 'XA_1.2']);
  const events = sentEvents(topics, delivery, made, at);
  t.same(
    events.map((e) => (e.envelope.data as { recipient: string }).recipient),
    made.map((l) => l.recipient),
  );
  for (const e of events) {
    t.equal(e.topic, topics.sent);
    t.equal(e.key, (e.envelope.data as { recipient: string }).recipient);
    t.ok(validateEventData(eventDefinitions.deliverySent.type, 1, e.envelope.data).ok);
  }
});

await t.test('a hostile recipient or id, first or later, is refused', async (t) => {
  const hostile = ['', 'HU A1', 'x'.repeat(65), 'HU-A1\u0000', 'HU-\u200bA1', '-HU', 'HỎA', 'HU-A1\n'];
  for (const bad of hostile)
    for (const position of [0, 2]) {
      const made = legs(['HU-A1', 'HU-B1', 'DU-A11']);
      made[position]!.recipient = bad;
      t.throws(() => sentEvents(topics, delivery, made, at), `${JSON.stringify(bad)} at ${position}`);
    }
  for (const badId of ['', 'a b', '../x', 'x'.repeat(129)]) {
    const made = legs(['HU-A1', 'HU-B1']);
    made[1]!.id = badId;
    t.throws(() => sentEvents(topics, delivery, made, at), `id ${JSON.stringify(badId)}`);
  }
});

const other: Delivery = { ...delivery, id: randomUUID(), documentId: randomUUID(), sender: 'VPTU-B' };
const leg = (d: Delivery, recipient: string, status: string): Leg => ({
  id: randomUUID(),
  deliveryId: d.id,
  recipient,
  priority: 0,
  status,
  statusAt: at,
  sentAt: at,
  consignedAt: at,
  inboxSeq: 1,
  handedOverAt: null,
  answeredAt: null,
  incoming: null,
  refusalReason: null,
  recallRefusalReason: null,
  statusBeforeRecall: null,
  overdueSince: null,
});
const deliveries = new Map([delivery, other].map((d) => [d.id, d]));

await t.test('status changes of a batch of two deliveries: each passes the full check', async (t) => {
  const made = [
    leg(delivery, 'HU-A1', '01'),
    leg(other, 'HU-A1', '01'),
    leg(delivery, 'HU-B1', '13'),
    leg(delivery, 'DU-A11', '01'),
    leg(other, 'XA-1', '01'),
  ];
  const events = statusChangedEvents(topics, deliveries, made);
  t.same(
    events.map((e) => e.envelope.data),
    made.map((l) => ({
      deliveryId: l.id,
      documentId: deliveries.get(l.deliveryId)!.documentId,
      sender: deliveries.get(l.deliveryId)!.sender,
      recipient: l.recipient,
      status: l.status,
      businessType: l.status === '13' ? 'recall' : 'new',
      at: at.toISOString(),
    })),
  );
  for (const e of events) t.ok(validateEventData(eventDefinitions.deliveryStatusChanged.type, 1, e.envelope.data).ok);
});

await t.test('status changes: a hostile recipient or id, first of its group or later, is refused', async (t) => {
  for (const bad of ['', 'HU A1', 'x'.repeat(65), 'HU-A1\u0000', 'HỎA'])
    for (const position of [0, 1, 2]) {
      const made = [leg(delivery, 'HU-A1', '01'), leg(delivery, 'HU-B1', '01'), leg(other, 'XA-1', '01')];
      made[position]!.recipient = bad;
      t.throws(() => statusChangedEvents(topics, deliveries, made), `${JSON.stringify(bad)} at ${position}`);
    }
  const made = [leg(delivery, 'HU-A1', '01'), leg(delivery, 'HU-B1', '01')];
  made[1]!.id = 'a b';
  t.throws(() => statusChangedEvents(topics, deliveries, made), 'a bad leg id');
  const unknown = [leg(delivery, 'HU-A1', '01'), leg(delivery, 'HU-B1', '99')];
  t.throws(() => statusChangedEvents(topics, deliveries, unknown), 'a status not in the code list');
});
