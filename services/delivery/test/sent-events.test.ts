/**
 * The fan-out's `delivery.sent` events: one full libs/records check per delivery and a
 * pattern check of each further leg's id and recipient give the verdict of a full check of
 * every event — every event made passes it, and a hostile leg anywhere is refused.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { eventDefinitions, validateEventData } from '@lienthong/records';
import type { Delivery } from '../src/deliveries/delivery.ts';
import { sentEvents } from '../src/deliveries/delivery-events.ts';
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
