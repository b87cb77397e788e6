/**
 * Consignment: `delivery.sent` puts its leg into the recipient office's inbox (status 01,
 * arrived) exactly once — `handleOnceBatch` and the change in one transaction — and tells
 * the sender with `delivery.status-changed` 01 (and the recipient's webhook, when it has one,
 * with a `webhook_delivery` row in the same transaction). Events come in batches (the bus's
 * `handleBatch`): a batch of hundreds is one transaction of a few statements. Inbox streams
 * are woken by a NOTIFY on commit.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { enqueueEvents, handleOnceBatch, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DeliverySent } from '@lienthong/records';
import type { Leg } from '../deliveries/delivery.ts';
import { deliveryActor, statusChangedEvents } from '../deliveries/delivery-events.ts';
import { appendLegEvents, findDeliveries } from '../deliveries/delivery-repository.ts';
import { consignLegs } from '../deliveries/leg-repository.ts';
import type { DeliveryTopics } from '../topics.ts';
import { arrivedEvents, arrivedType } from '../webhooks/webhook-events.ts';
import { enqueueWebhookDeliveries, officesListening } from '../webhooks/webhook-repository.ts';
import { inboxChannel } from './inbox-watch.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The consumer name `handleOnceBatch` records consignments under. */
export const consignConsumer = 'delivery-inbox';

/** The `delivery.sent` events of `events` with their data; an invalid event throws (libs/records). */
function sentEvents(events: readonly EventEnvelope[]): Array<{ id: string; data: DeliverySent }> {
  return events.flatMap((event) =>
    checkEvent(event).type === eventDefinitions.deliverySent.type
      ? [{ id: event.id, data: event.data as DeliverySent }]
      : [],
  );
}

/**
 * Handles a batch of `delivery.sent` events in one transaction: returns the legs consigned
 * now, in the order of their events. An event handled before, listed twice, or naming a leg
 * this service does not hold for that recipient (or one already consigned) consigns nothing.
 * One invalid event fails the whole batch; the bus then hands the events over one at a
 * time and only that one goes to the dead-letter topic.
 */
export async function consignBatch(
  pool: Pool,
  topics: DeliveryTopics,
  events: readonly EventEnvelope[],
  now: () => Date = () => new Date(),
): Promise<Leg[]> {
  const sent = sentEvents(events);
  if (sent.length === 0) return [];
  return withTransaction(pool, async (client) => {
    const fresh = await handleOnceBatch(
      client,
      consignConsumer,
      sent.map((e) => e.id),
    );
    // Each new event once, each (leg, recipient) once; legs are UUIDs here, another id
    // names nothing this service sent. A leg named with the wrong recipient matches nothing
    // and must not hide the right one, hence the pair as the key.
    const wanted = new Map<string, { id: string; recipient: string }>();
    for (const { id, data } of sent) {
      if (!fresh.delete(id) || !uuidPattern.test(data.deliveryId)) continue;
      const pair = `${data.deliveryId.toLowerCase()} ${data.recipient}`;
      if (!wanted.has(pair)) wanted.set(pair, { id: data.deliveryId, recipient: data.recipient });
    }
    const legs = await consignLegs(client, [...wanted.values()], now());
    if (legs.length === 0) return [];
    const deliveries = await findDeliveries(client, [...new Set(legs.map((l) => l.deliveryId))]);
    const changed = statusChangedEvents(topics, deliveries, legs);
    await appendLegEvents(
      client,
      legs.map((leg, i) => ({
        legId: leg.id,
        event: 'consigned',
        code: '01',
        at: leg.statusAt,
        by: deliveryActor,
        eventId: changed[i]!.envelope.id,
      })),
    );
    await enqueueEvents(client, changed);
    const recipients = [...new Set(legs.map((l) => l.recipient))];
    // Most offices have no webhook: then no webhook event is even built (3,321 per directive).
    const listening = await officesListening(client, recipients, arrivedType);
    const arriving = legs.filter((l) => listening.has(l.recipient));
    await enqueueWebhookDeliveries(client, arrivedEvents(arriving, deliveries), legs[0]!.statusAt);
    await client.query('SELECT pg_notify($1, r) FROM unnest($2::text[]) AS r', [inboxChannel, recipients]);
    return legs;
  });
}
