/**
 * The events delivery publishes through its outbox: `delivery.sent` (one per leg, keyed by
 * the recipient, on the ordinary or the urgent topic) and `delivery.status-changed` (keyed
 * by the leg, what the sender learns). Their data is checked against libs/records before it
 * is written, so a bad event fails its transaction instead of reaching the bus; for the
 * batches of the fan-out and consignment, with the same verdict, one full check per group of
 * events that differ only in leg id and recipient (`sentEvents`, `statusChangedEvents`).
 */
import { createEnvelope } from '@lienthong/bus';
import type { OutboxEvent } from '@lienthong/db';
import {
  DeliverySentSchema,
  DeliveryStatusChangedSchema,
  eventDefinitions,
  validateEventData,
} from '@lienthong/records';
import type { DeliverySent, DeliveryStatusChanged } from '@lienthong/records';
import type { DeliveryTopics } from '../topics.ts';
import { sentTopicOf } from '../topics.ts';
import type { Delivery, Leg } from './delivery.ts';

/** The exchange statuses of a recall: asked (13), accepted (15), refused (16). */
export const recallCodes: readonly string[] = ['13', '15', '16'];

/** The service's own name in events and leg histories. */
export const deliveryActor = 'system:delivery';

function checked<T>(type: string, data: T): T {
  const result = validateEventData(type, 1, data);
  if (!result.ok) throw new Error(`${type}: ${JSON.stringify(result.problems.slice(0, 3))}`);
  return data;
}

/** `delivery.sent` of `leg` of `delivery`, sent at `at`. */
export function sentEvent(
  topics: DeliveryTopics,
  delivery: Delivery,
  leg: { id: string; recipient: string },
  at: Date,
  traceparent?: string,
): OutboxEvent {
  return sentEvents(topics, delivery, [leg], at, traceparent)[0]!;
}

/**
 * The pattern that is the whole schema of a string field; throws (at load) when the field has
 * another constraint, so the batch builders never check less than libs/records asks.
 */
function patternOnly(field: { pattern?: string }, name: string): RegExp {
  const others = Object.keys(field).filter((k) => !['type', 'pattern', 'description'].includes(k));
  if (field.pattern === undefined || others.length > 0)
    throw new Error(`${name}: its schema is more than a pattern (${others.join(', ')})`);
  return new RegExp(field.pattern);
}

const legIdPattern = patternOnly(DeliverySentSchema.properties.deliveryId, 'delivery.sent deliveryId');
const recipientPattern = patternOnly(DeliverySentSchema.properties.recipient, 'delivery.sent recipient');

/**
 * `delivery.sent` of each of `legs` of `delivery`, all sent at `at`. Their data differ only
 * in `deliveryId` and `recipient`, whose schemas in libs/records are a pattern each: the
 * first leg's data is checked in full, each other leg's two fields against those patterns —
 * the same verdict as checking all 3,321 in full, at a fraction of the cost (the fan-out's
 * hot path). A leg failing either throws, as `checked` does.
 */
export function sentEvents(
  topics: DeliveryTopics,
  delivery: Delivery,
  legs: ReadonlyArray<{ id: string; recipient: string }>,
  at: Date,
  traceparent?: string,
): OutboxEvent[] {
  const definition = eventDefinitions.deliverySent;
  const topic = sentTopicOf(topics, delivery.urgency);
  const sentAt = at.toISOString();
  return legs.map((leg, i) => {
    if (i > 0 && !(legIdPattern.test(leg.id) && recipientPattern.test(leg.recipient)))
      throw new Error(`${definition.type}: leg ${JSON.stringify(leg)} does not match its schema`);
    const data: DeliverySent = {
      deliveryId: leg.id,
      documentId: delivery.documentId,
      sender: delivery.sender,
      recipient: leg.recipient,
      businessType: 'new',
      urgency: delivery.urgency as DeliverySent['urgency'],
      symbol: delivery.symbol,
      sentAt,
    };
    if (i === 0) checked(definition.type, data);
    return {
      topic,
      key: definition.keyOf(data),
      envelope: createEnvelope({
        type: definition.type,
        schemaVersion: definition.version,
        source: 'delivery',
        subject: leg.id,
        data,
        ...(traceparent === undefined ? {} : { traceparent }),
      }),
    };
  });
}

/**
 * `delivery.status-changed` of `leg` of `delivery`: its new status, with the reason when
 * there is one; the business type `recall` for 13, 15 and 16. With `overdueSince` it tells
 * that the answer is overdue instead: the status as it stands, `at` the deadline.
 */
export function statusChangedEvent(
  topics: DeliveryTopics,
  delivery: Delivery,
  leg: Leg,
  reason?: string,
  overdueSince?: Date,
): OutboxEvent {
  return statusChanged(topics, delivery, leg, true, reason, overdueSince);
}

const changedFields = DeliveryStatusChangedSchema.properties;
const changedLegIdPattern = patternOnly(changedFields.deliveryId, 'delivery.status-changed deliveryId');
const changedRecipientPattern = patternOnly(changedFields.recipient, 'delivery.status-changed recipient');

/**
 * `delivery.status-changed` of each of `legs` (a consignment's), their deliveries in
 * `deliveries`. Legs of one delivery at one status and time differ only in `deliveryId`
 * and `recipient` (as in `sentEvents`): the first of each such group is checked in full,
 * the others' two fields against their patterns.
 */
export function statusChangedEvents(
  topics: DeliveryTopics,
  deliveries: ReadonlyMap<string, Delivery>,
  legs: readonly Leg[],
): OutboxEvent[] {
  const groups = new Set<string>();
  return legs.map((leg) => {
    const group = `${leg.deliveryId} ${leg.status} ${leg.statusAt.toISOString()}`;
    const first = !groups.has(group);
    groups.add(group);
    if (!first && !(changedLegIdPattern.test(leg.id) && changedRecipientPattern.test(leg.recipient)))
      throw new Error(
        `delivery.status-changed: leg ${JSON.stringify([leg.id, leg.recipient])} does not match its schema`,
      );
    return statusChanged(topics, deliveries.get(leg.deliveryId)!, leg, first);
  });
}

function statusChanged(
  topics: DeliveryTopics,
  delivery: Delivery,
  leg: Leg,
  check: boolean,
  reason?: string,
  overdueSince?: Date,
): OutboxEvent {
  const definition = eventDefinitions.deliveryStatusChanged;
  const data: DeliveryStatusChanged = {
    deliveryId: leg.id,
    documentId: delivery.documentId,
    sender: delivery.sender,
    recipient: leg.recipient,
    status: leg.status as DeliveryStatusChanged['status'],
    businessType: recallCodes.includes(leg.status ?? '') ? 'recall' : 'new',
    ...(reason === undefined ? {} : { reason }),
    at: (overdueSince ?? leg.statusAt).toISOString(),
    ...(overdueSince === undefined ? {} : { overdueSince: overdueSince.toISOString() }),
  };
  if (check) checked(definition.type, data);
  return {
    topic: topics.statusChanged,
    key: definition.keyOf(data),
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'delivery',
      subject: leg.id,
      data,
    }),
  };
}
