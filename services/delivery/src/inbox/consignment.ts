/**
 * Consignment: `delivery.sent` puts its leg into the recipient office's inbox (status 01,
 * arrived) exactly once — `handleOnce` and the change in one transaction — and tells the
 * sender with `delivery.status-changed` 01. Inbox streams are woken by a NOTIFY on commit.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { enqueueEvents, handleOnce, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DeliverySent } from '@lienthong/records';
import type { Leg } from '../deliveries/delivery.ts';
import { deliveryActor, statusChangedEvent } from '../deliveries/delivery-events.ts';
import { appendLegEvents, findDelivery } from '../deliveries/delivery-repository.ts';
import { consignLeg } from '../deliveries/leg-repository.ts';
import type { DeliveryTopics } from '../topics.ts';
import { inboxChannel } from './inbox-watch.ts';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The consumer name `handleOnce` records consignments under. */
export const consignConsumer = 'delivery-inbox';

/**
 * Handles one `delivery.sent` event: returns the consigned leg, or undefined when the event
 * was handled before, or names a leg this service does not hold for that recipient.
 */
export async function consign(
  pool: Pool,
  topics: DeliveryTopics,
  event: EventEnvelope,
  now: () => Date = () => new Date(),
): Promise<Leg | undefined> {
  const definition = checkEvent(event);
  if (definition.type !== eventDefinitions.deliverySent.type) return undefined;
  const data = event.data as DeliverySent;
  return withTransaction(pool, async (client) => {
    if (!(await handleOnce(client, consignConsumer, event.id))) return undefined;
    // Legs are UUIDs here; another id names nothing this service sent.
    if (!uuidPattern.test(data.deliveryId)) return undefined;
    const leg = await consignLeg(client, data.deliveryId, data.recipient, now());
    if (leg === undefined) return undefined;
    const delivery = (await findDelivery(client, leg.deliveryId))!;
    const changed = statusChangedEvent(topics, delivery, leg);
    await appendLegEvents(client, [
      {
        legId: leg.id,
        event: 'consigned',
        code: '01',
        at: leg.statusAt,
        by: deliveryActor,
        eventId: changed.envelope.id,
      },
    ]);
    await enqueueEvents(client, [changed]);
    await client.query('SELECT pg_notify($1, $2)', [inboxChannel, leg.recipient]);
    return leg;
  });
}
