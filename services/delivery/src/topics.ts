/**
 * The topics and consumer groups delivery uses, under the configured namespace. Legs of an
 * urgent document (any urgency mark: Khẩn, Thượng khẩn, Hỏa tốc) travel on a topic of their
 * own with a consumer group of its own, so that they never wait behind an ordinary backlog
 * (a directive to 3,321 communes) on the ordinary topic.
 */
import { eventDefinitions, findUrgencyLevel } from '@lienthong/records';

/** The topics and groups of one installation. */
export interface DeliveryTopics {
  /** `document.issued` v1, read by the fan-out. */
  issued: string;
  /** `delivery.sent` v1 of ordinary documents. */
  sent: string;
  /** `delivery.sent` v1 of urgent documents (`lienthong.delivery.sent-urgent.v1`). */
  sentUrgent: string;
  /** `delivery.status-changed` v1. */
  statusChanged: string;
  /** `document.recalled` v1, `document.replaced` v1 and `document.cancelled` v1, read by the recall consumer. */
  recalled: string;
  replaced: string;
  cancelled: string;
  /** `delivery.evidence-stamped` v1: a delivery's stamped evidence of one batch, written to the store (for the archive). */
  evidenceStamped: string;
  groups: { fanOut: string; inbox: string; inboxUrgent: string; recall: string; webhooks: string };
}

/** The topics and groups under `namespace` ('' for none). */
export function deliveryTopics(namespace: string): DeliveryTopics {
  const at = (name: string) => (namespace === '' ? name : `${namespace}.${name}`);
  const sent = eventDefinitions.deliverySent.topic;
  return {
    issued: at(eventDefinitions.documentIssued.topic),
    sent: at(sent),
    sentUrgent: at(sent.replace(/\.v(\d+)$/, '-urgent.v$1')),
    statusChanged: at(eventDefinitions.deliveryStatusChanged.topic),
    recalled: at(eventDefinitions.documentRecalled.topic),
    replaced: at(eventDefinitions.documentReplaced.topic),
    cancelled: at(eventDefinitions.documentCancelled.topic),
    evidenceStamped: at(eventDefinitions.deliveryEvidenceStamped.topic),
    groups: {
      fanOut: at('delivery-fan-out'),
      inbox: at('delivery-inbox'),
      inboxUrgent: at('delivery-inbox-urgent'),
      recall: at('delivery-recall'),
      webhooks: at('delivery-webhooks'),
    },
  };
}

/** Every topic the service publishes to or reads (for `ensureTopics`). */
export function topicsOf(topics: DeliveryTopics): string[] {
  return [
    topics.issued,
    topics.sent,
    topics.sentUrgent,
    topics.statusChanged,
    topics.recalled,
    topics.replaced,
    topics.cancelled,
    topics.evidenceStamped,
  ];
}

/** The priority of an urgency level (libs/records: 0 ordinary … 3 Hỏa tốc); 0 for an unknown one. */
export function priorityOf(urgency: string): number {
  return findUrgencyLevel(urgency)?.priority ?? 0;
}

/** Where the leg of a document of `urgency` is sent: the urgent topic for any urgency mark. */
export function sentTopicOf(topics: DeliveryTopics, urgency: string): string {
  return priorityOf(urgency) > 0 ? topics.sentUrgent : topics.sent;
}
