/**
 * What an office's webhook can tell: `inbox.document-arrived` (a document was consigned to
 * the office's inbox, status 01; written in the consignment's own transaction) and
 * `delivery.status-changed` (a recipient of a document the office sent moved it: 01 arrived,
 * 02 refused, 03 accepted, 04–06 processing, 13/15/16 recall; written by the consumer of
 * `delivery.status-changed` with `handleOnceBatch`). Links are paths of this service's API.
 */
import type { Delivery, Leg } from '../deliveries/delivery.ts';
import type { WebhookEvent } from './webhook-repository.ts';

/** The event types an office may ask for. */
export const webhookEventTypes = ['inbox.document-arrived', 'delivery.status-changed'] as const;

/** One event type. */
export type WebhookEventType = (typeof webhookEventTypes)[number];

/** The type of the event a consignment tells the recipient's webhook. */
export const arrivedType = 'inbox.document-arrived';

/** `inbox.document-arrived` for each consigned leg, to its recipient. */
export function arrivedEvents(legs: readonly Leg[], deliveries: ReadonlyMap<string, Delivery>): WebhookEvent[] {
  return legs.map((leg) => {
    const delivery = deliveries.get(leg.deliveryId)!;
    return {
      office: leg.recipient,
      type: arrivedType,
      occurredAt: leg.statusAt,
      data: {
        deliveryId: leg.id,
        documentId: delivery.documentId,
        symbol: delivery.symbol,
        urgency: delivery.urgency,
        status: leg.status,
        links: { entry: `/v1/inbox/${leg.id}`, content: `/v1/inbox/${leg.id}/content` },
      },
    };
  });
}

/** `delivery.status-changed` to the sending office, from the event data delivery published. */
export function statusChangedWebhook(
  data: {
    deliveryId: string;
    documentId: string;
    sender: string;
    recipient: string;
    status: string;
    at: string;
    overdueSince?: string;
  },
  delivery: Pick<Delivery, 'id' | 'symbol' | 'urgency'> | undefined,
): WebhookEvent {
  return {
    office: data.sender,
    type: 'delivery.status-changed',
    occurredAt: new Date(data.at),
    data: {
      deliveryId: data.deliveryId,
      documentId: data.documentId,
      recipient: data.recipient,
      status: data.status,
      ...(data.overdueSince === undefined ? {} : { overdueSince: data.overdueSince }),
      ...(delivery === undefined ? {} : { symbol: delivery.symbol, urgency: delivery.urgency }),
      links: delivery === undefined ? {} : { delivery: `/v1/deliveries/${delivery.id}` },
    },
  };
}
