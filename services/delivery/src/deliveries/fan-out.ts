/**
 * The fan-out: `document.issued` becomes one delivery with one leg per recipient office
 * (`deliverTo`, groups already expanded by intake) and one `delivery.sent` per leg in the
 * outbox — all in ONE transaction with the event's `handleOnce`, so a redelivered event, or
 * a crash at any point, never makes a leg twice nor loses one. The legs, their history and
 * their events are each written in one statement, whatever their number.
 */
import { randomUUID } from 'node:crypto';
import { activeTraceparent } from '@lienthong/bus';
import type { EventEnvelope } from '@lienthong/bus';
import { enqueueEvents, handleOnce, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { checkEvent, eventDefinitions } from '@lienthong/records';
import type { DocumentIssued } from '@lienthong/records';
import type { DeliveryTopics } from '../topics.ts';
import { priorityOf } from '../topics.ts';
import type { Delivery } from './delivery.ts';
import { deliveryActor, sentEvents } from './delivery-events.ts';
import { appendLegEvents, findDeliveryOfDocument, insertDelivery, insertLegs } from './delivery-repository.ts';
import { applyParkedRecall } from './recall.ts';
import { takeParkedRecall } from './recall-repository.ts';

/** The consumer name `handleOnce` records the fan-out under. */
export const fanOutConsumer = 'delivery-fan-out';

/** The delivery an issued document becomes (without its legs). */
function deliveryOf(data: DocumentIssued, now: Date): Delivery {
  return {
    id: randomUUID(),
    documentId: data.documentId,
    sender: data.office,
    symbol: data.symbol,
    documentType: data.numberSymbol.type,
    subject: data.subject,
    urgency: data.urgency,
    priority: priorityOf(data.urgency),
    secrecy: data.secrecy,
    deadline: data.deadline === undefined ? null : new Date(data.deadline),
    issuedAt: new Date(data.issuedAt),
    file: {
      sha256: data.file.sha256,
      byteLength: data.file.byteLength,
      mediaType: data.file.mediaType,
      bucket: data.file.object.bucket,
      key: data.file.object.key,
      versionId: data.file.object.versionId ?? null,
    },
    createdAt: now,
    recall: null,
  };
}

/**
 * Handles one `document.issued` event: checks it against libs/records (a bad event throws,
 * and after its retries goes to the dead-letter topic), then creates the delivery, its legs
 * and their `delivery.sent` events. Returns the delivery, or undefined when the event was
 * handled before or the document already has a delivery (issued twice under two event ids).
 */
export async function fanOut(
  pool: Pool,
  topics: DeliveryTopics,
  event: EventEnvelope,
  now: () => Date = () => new Date(),
): Promise<Delivery | undefined> {
  const definition = checkEvent(event);
  if (definition.type !== eventDefinitions.documentIssued.type) return undefined;
  const data = event.data as DocumentIssued;
  return withTransaction(pool, async (client) => {
    if (!(await handleOnce(client, fanOutConsumer, event.id))) return undefined;
    if ((await findDeliveryOfDocument(client, data.documentId)) !== undefined) return undefined;
    const at = now();
    const delivery = deliveryOf(data, at);
    const legs = data.deliverTo.map((recipient) => ({ id: randomUUID(), recipient }));
    // Under the fan-out's consumer span when tracing runs, else the issuing request's trace as received.
    const traceparent = activeTraceparent() ?? event.traceparent;
    const events = sentEvents(topics, delivery, legs, at, traceparent);
    await insertDelivery(client, delivery, event.id);
    await insertLegs(client, delivery, legs, at);
    await appendLegEvents(
      client,
      legs.map((leg, i) => ({
        legId: leg.id,
        event: 'submitted',
        code: null,
        at,
        by: deliveryActor,
        eventId: events[i]!.envelope.id,
      })),
    );
    await enqueueEvents(client, events);
    // A recall that came first (another topic: no order between the two) applies now.
    await applyParkedRecall(client, topics, delivery, await takeParkedRecall(client, delivery.documentId), at);
    return delivery;
  });
}
