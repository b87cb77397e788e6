/**
 * The sending office's webhook learns its recipients' answers: each `delivery.status-changed`
 * becomes a `webhook_delivery` row for the sender (when its webhook asks for
 * `delivery.status-changed`), exactly once: `handleOnceBatch` and the rows in one transaction.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { handleOnceBatch, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DeliveryStatusChanged } from '@lienthong/records';
import { statusChangedWebhook } from './webhook-events.ts';
import { deliveriesOfLegs, enqueueWebhookDeliveries, officesListening } from './webhook-repository.ts';

/** The consumer name `handleOnceBatch` records these events under. */
export const statusWebhookConsumer = 'delivery-webhooks';

/** Writes the senders' webhook deliveries of a batch of events; returns how many. An invalid event throws. */
export async function enqueueStatusWebhooks(
  pool: Pool,
  events: readonly EventEnvelope[],
  now: () => Date = () => new Date(),
): Promise<number> {
  const changed = events.flatMap((event) =>
    checkEvent(event).type === eventDefinitions.deliveryStatusChanged.type
      ? [{ id: event.id, data: event.data as DeliveryStatusChanged }]
      : [],
  );
  // Most senders have no such webhook: then nothing is written, not even the events' ids.
  const listening = await officesListening(
    pool,
    [...new Set(changed.map((e) => e.data.sender))],
    'delivery.status-changed',
  );
  if (!changed.some((e) => listening.has(e.data.sender))) return 0;
  return withTransaction(pool, async (client) => {
    const fresh = await handleOnceBatch(
      client,
      statusWebhookConsumer,
      changed.map((e) => e.id),
    );
    const wanted = changed.filter((e) => fresh.delete(e.id));
    const deliveries = await deliveriesOfLegs(
      client,
      wanted.map((e) => e.data.deliveryId),
    );
    return enqueueWebhookDeliveries(
      client,
      wanted.map((e) => statusChangedWebhook(e.data, deliveries.get(e.data.deliveryId))),
      now(),
    );
  });
}
