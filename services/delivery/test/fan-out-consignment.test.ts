/**
 * Consignment in batches (the inbox consumers' `handleBatch`): one transaction puts many
 * legs into their inboxes, each exactly once and in the order of their events; a redelivered
 * or repeated event, an unknown leg, a leg consigned before consign nothing; an invalid event
 * fails its batch and, through the bus, alone goes to the dead-letter topic while the others
 * are consigned; consignment orders commit in the order they are given.
 */
import { randomUUID } from 'node:crypto';
import t from 'tap';
import { createEnvelope, deadLetterTopic, type EventEnvelope } from '@lienthong/bus';
import { eventDefinitions } from '@lienthong/records';
import type { Delivery } from '../src/deliveries/delivery.ts';
import { sentEvent } from '../src/deliveries/delivery-events.ts';
import { insertDelivery, insertLegs } from '../src/deliveries/delivery-repository.ts';
import { consignBatch } from '../src/inbox/consignment.ts';
import { deliveryForFile } from './support.ts';
import { waitFor } from '../../../test/support/env.ts';

const d = await deliveryForFile(t);
const { pool, topics } = d;
const count = async (sql: string, params: unknown[] = []) =>
  Number((await pool.query<{ n: string }>(sql, params)).rows[0]!.n);

/** A delivery with legs to `recipients`, stored directly (no outbox: the consumers never see them). */
async function storedDelivery(
  recipients: string[],
): Promise<{ delivery: Delivery; legs: Array<{ id: string; recipient: string }> }> {
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
      bucket: d.bucket,
      key: 'documents/x/issued.pdf',
      versionId: null,
    },
    createdAt: at,
    recall: null,
  };
  const legs = recipients.map((recipient) => ({ id: randomUUID(), recipient }));
  await insertDelivery(pool, delivery, randomUUID());
  await insertLegs(pool, delivery, legs, at);
  return { delivery, legs };
}

const sentOf = (delivery: Delivery, leg: { id: string; recipient: string }): EventEnvelope =>
  sentEvent(topics, delivery, leg, new Date()).envelope;

const consignedEvents = (legId: string) =>
  count("SELECT count(*) AS n FROM leg_event WHERE leg_id = $1 AND event = 'consigned'", [legId]);

await t.test('a batch consigns each leg once, in the order of its events', async (t) => {
  const { delivery, legs } = await storedDelivery(['HU-A1', 'HU-B1', 'DU-A11', 'XA-1']);
  const [a, b, c, before] = legs as [(typeof legs)[0], (typeof legs)[0], (typeof legs)[0], (typeof legs)[0]];
  const early = sentOf(delivery, before);
  t.same(
    (await consignBatch(pool, topics, [early])).map((l) => l.id),
    [before.id],
    'consigned in a batch of its own first',
  );
  const ea = sentOf(delivery, a);
  const eb = sentOf(delivery, b);
  const ec = sentOf(delivery, c);
  const strangers = [
    sentOf(delivery, { id: randomUUID(), recipient: 'HU-A1' }),
    sentOf(delivery, { id: a.id, recipient: 'HU-B1' }),
    createEnvelope({ ...ea, id: randomUUID(), data: { ...(ea.data as object), deliveryId: 'not-a-leg' } }),
  ];
  const [unknownLeg, wrongRecipient, notALeg] = strangers;
  const batch = [
    eb,
    early,
    wrongRecipient!,
    ea,
    eb,
    unknownLeg!,
    notALeg!,
    sentOf(delivery, before),
    ec,
    sentOf(delivery, a),
  ];
  const consigned = await consignBatch(pool, topics, batch);
  t.same(
    consigned.map((l) => l.recipient),
    ['HU-B1', 'HU-A1', 'DU-A11'],
    'b, a, c: the first event of each leg, in batch order; the wrong recipient hides nothing',
  );
  t.ok(
    consigned.every((l, i) => i === 0 || l.inboxSeq! > consigned[i - 1]!.inboxSeq!),
    'consignment orders follow the events',
  );
  t.ok(consigned.every((l) => l.status === '01' && l.consignedAt !== null));
  for (const leg of legs) t.equal(await consignedEvents(leg.id), 1, `${leg.recipient} consigned once`);
  t.equal(
    await count("SELECT count(*) AS n FROM outbox WHERE topic = $1 AND envelope->'data'->>'documentId' = $2", [
      topics.statusChanged,
      delivery.documentId,
    ]),
    4,
    'one 01 for the sender per leg',
  );
  t.same(await consignBatch(pool, topics, batch), [], 'the same batch again consigns nothing');
  t.equal(await count('SELECT count(*) AS n FROM leg_event WHERE event = $1', ['consigned']), 4);
});

await t.test('an invalid event fails the whole batch: nothing of it is kept', async (t) => {
  const { delivery, legs } = await storedDelivery(['HU-A1', 'HU-B1']);
  const good = sentOf(delivery, legs[0]!);
  const bad = createEnvelope({ ...good, id: randomUUID(), data: { ...(good.data as object), recipient: 42 } });
  await t.rejects(consignBatch(pool, topics, [good, bad]));
  t.equal(await consignedEvents(legs[0]!.id), 0, 'rolled back');
  t.same(
    (await consignBatch(pool, topics, [good])).map((l) => l.id),
    [legs[0]!.id],
    'its events are still new',
  );
});

await t.test('through the bus, an invalid delivery.sent alone goes to the dead-letter topic', async (t) => {
  const { delivery, legs } = await storedDelivery(['HU-A1', 'HU-B1', 'DU-A11']);
  const events = legs.map((leg) => sentOf(delivery, leg));
  const bad = createEnvelope({
    ...events[0]!,
    id: randomUUID(),
    data: { ...(events[0]!.data as object), urgency: 'not an urgency' },
  });
  const dead: EventEnvelope[] = [];
  const dlq = await d.bus.subscribe({
    group: `${d.namespace}-dlq`,
    topics: [deadLetterTopic(topics.sent)],
    handler: async (event) => void dead.push(event),
  });
  t.teardown(() => dlq.stop());
  const key = eventDefinitions.deliverySent.keyOf;
  await d.bus.publish(
    [events[0]!, bad, events[1]!, events[2]!].map((envelope) => ({
      topic: topics.sent,
      key: key(envelope.data as Parameters<typeof key>[0]),
      envelope,
    })),
  );
  await waitFor('the three legs consigned and the bad event dead', async () => {
    const n = await count("SELECT count(*) AS n FROM delivery_leg WHERE delivery_id = $1 AND status = '01'", [
      delivery.id,
    ]);
    return n === 3 && dead.length >= 1;
  });
  t.same(
    dead.map((e) => e.id),
    [bad.id],
    'only the invalid event is dead',
  );
  for (const leg of legs) t.equal(await consignedEvents(leg.id), 1, `${leg.recipient} consigned once`);
});

await t.test('a consignment waits for one in progress: consignment orders commit in order', async (t) => {
  const { delivery, legs } = await storedDelivery(['HU-A1']);
  // Another consignment (the urgent consumer's, another process's) holding its orders, not committed yet.
  const other = await pool.connect();
  t.teardown(() => other.release());
  await other.query('BEGIN');
  const { rows } = await other.query<{ key: string }>(
    `SELECT hashtextextended('lienthong:delivery:inbox-seq:' || current_schema(), 0)::text AS key`,
  );
  const key = BigInt.asUintN(64, BigInt(rows[0]!.key));
  await other.query('SELECT pg_advisory_xact_lock($1::bigint)', [rows[0]!.key]);
  const taken = Number((await other.query<{ seq: string }>("SELECT nextval('inbox_seq') AS seq")).rows[0]!.seq);
  let finished = false;
  const pending = consignBatch(pool, topics, [sentOf(delivery, legs[0]!)]).finally(() => {
    finished = true;
  });
  await waitFor(
    'the consignment waiting for the lock, or done',
    async () =>
      finished ||
      (await count(
        "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1::oid AND objid = $2::oid",
        [String(key >> 32n), String(key & 0xffffffffn)],
      )) > 0,
  );
  t.notOk(finished, 'it waits');
  await other.query('COMMIT');
  const [leg] = await pending;
  t.ok(leg!.inboxSeq! > taken, 'and then takes an order after the one committed first');
});
