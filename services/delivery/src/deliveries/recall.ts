/**
 * What a recall (thu hồi) or replacement does to a delivery, inside the caller's
 * transaction: the sender's word recorded on the delivery once; for a recall (or the
 * cancellation of the issued document at intake, which asks the same), every leg that
 * holds the document asked to answer (13: history, a new inbox order so that streams send it
 * again, `delivery.status-changed` for the sender); for a replacement, each leg's history
 * names the replacing document (the new one is delivered as any other).
 */
import { enqueueEvents } from '@lienthong/db';
import type { PoolClient } from '@lienthong/db';
import type { DocumentCancelled, DocumentRecalled, DocumentReplaced } from '@lienthong/records';
import type { DeliveryTopics } from '../topics.ts';
import type { Delivery, DeliveryRecall, Leg } from './delivery.ts';
import { deliveryActor, statusChangedEvent } from './delivery-events.ts';
import { appendLegEvents } from './delivery-repository.ts';
import { lockInboxOrder } from './leg-repository.ts';
import { askRecall, legsOf, setDeliveryRecall } from './recall-repository.ts';
import type { ParkedRecall } from './recall-repository.ts';

/** The event types a recall consumer takes. */
export const recallEventTypes = {
  recalled: 'document.recalled',
  replaced: 'document.replaced',
  cancelled: 'document.cancelled',
} as const;

/** The recall or replacement a `document.recalled`, `document.replaced` or `document.cancelled` says. */
export function recallOf(eventType: string, data: Record<string, unknown>): DeliveryRecall {
  if (eventType === recallEventTypes.replaced) {
    const d = data as DocumentReplaced;
    return { kind: 'replaced', reason: d.reason, at: new Date(d.replacedAt), replacedBy: d.replacedBy };
  }
  if (eventType === recallEventTypes.cancelled) {
    const d = data as DocumentCancelled;
    return { kind: 'cancelled', reason: d.reason, at: new Date(d.cancelledAt), replacedBy: null };
  }
  const d = data as DocumentRecalled;
  return { kind: 'recalled', reason: d.reason, at: new Date(d.recalledAt), replacedBy: null };
}

/**
 * Applies `recall` to `delivery` at `now`, once (a delivery that holds one already is left
 * as it is). Returns the legs asked to answer (none for a replacement).
 */
export async function applyRecall(
  client: PoolClient,
  topics: DeliveryTopics,
  delivery: Delivery,
  recall: DeliveryRecall,
  now: Date,
): Promise<Leg[]> {
  if (!(await setDeliveryRecall(client, delivery.id, recall))) return [];
  const recalled = { ...delivery, recall };
  if (recall.kind === 'replaced') {
    const legs = await legsOf(client, delivery.id);
    await appendLegEvents(
      client,
      legs.map((leg) => ({
        legId: leg.id,
        event: 'replaced',
        code: null,
        at: now,
        by: deliveryActor,
        reason: recall.reason,
        detail: { replacedBy: recall.replacedBy },
      })),
    );
    return [];
  }
  await lockInboxOrder(client);
  const legs = await askRecall(client, delivery.id, now);
  const events = legs.map((leg) => statusChangedEvent(topics, recalled, leg, recall.reason));
  await appendLegEvents(
    client,
    legs.map((leg, i) => ({
      legId: leg.id,
      event: 'take-back-requested',
      code: '13',
      at: now,
      by: deliveryActor,
      reason: recall.reason,
      eventId: events[i]!.envelope.id,
    })),
  );
  await enqueueEvents(client, events);
  return legs;
}

/** Applies what was parked for `delivery` (its recall came before its fan-out), if it is the sender's. */
export async function applyParkedRecall(
  client: PoolClient,
  topics: DeliveryTopics,
  delivery: Delivery,
  parked: ParkedRecall | undefined,
  now: Date,
): Promise<void> {
  if (parked === undefined || parked.office !== delivery.sender) return;
  await applyRecall(client, topics, delivery, recallOf(parked.eventType, parked.data), now);
}
