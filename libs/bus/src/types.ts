/**
 * The event bus as every service sees it. Two transports implement it: Apache Kafka
 * (real mode) and a Postgres-backed log (embedded mode). Both keep order per key and
 * deliver at least once; consumers make effects exactly-once by de-duplicating on the
 * event id (see `@lienthong/db` `handleOnce`).
 */

/**
 * One fact that happened, as it travels on the bus. Close to CloudEvents 1.0
 * (id, type, source, subject, time) plus the W3C trace context.
 */
export interface EventEnvelope<T = unknown> {
  /** Unique id of the event (UUID); consumers de-duplicate on it. */
  id: string;
  /** What happened, e.g. `document.issued`. */
  type: string;
  /** Version of the `data` schema for this type (starts at 1). */
  schemaVersion: number;
  /** The service that produced the event, e.g. `intake`. */
  source: string;
  /** What the event is about, e.g. a document id. */
  subject: string;
  /** When it happened, ISO 8601 UTC. */
  time: string;
  /** W3C `traceparent` of the producing span, when there is one. */
  traceparent?: string;
  /** The payload; its schema (per `type` and `schemaVersion`) lives in `@lienthong/records`. */
  data: T;
}

/** An event addressed to a topic, with the key that decides its order (same key, same order). */
export interface OutgoingEvent<T = unknown> {
  /** Versioned topic, `lienthong.<name>.v1`. */
  topic: string;
  /** Partition key: events with the same key are consumed in the order published. */
  key: string;
  envelope: EventEnvelope<T>;
}

/** What a handler learns about the delivery of one event. */
export interface DeliveryInfo {
  /** Topic the event was consumed from. */
  topic: string;
  /** Its partition key. */
  key: string;
  /** Transport position (Kafka offset within its partition, or log sequence), for logs. */
  position: string;
  /** 1 on the first try, then 2, 3 … while the handler keeps failing. */
  attempt: number;
  /** Kafka partition (always 0 on the Postgres log). */
  partition?: number;
  /**
   * Message headers as strings: `lienthong-event-id`, `lienthong-event-type`, `traceparent`,
   * and on a dead-letter topic the `lienthong-dlq-*` headers saying why and from where.
   */
  headers?: Readonly<Record<string, string>>;
}

/** Handles one event; a rejection means "try again" (then the dead-letter topic). */
export type EventHandler = (event: EventEnvelope, info: DeliveryInfo) => Promise<void>;

/** What a batch handler learns about a run of events. */
export interface BatchInfo {
  /** Topic the events were consumed from. */
  topic: string;
  /** Kafka partition (always 0 on the Postgres log): every event of a batch comes from it. */
  partition: number;
  /** 1 on the first try of this batch, then 2, 3 … while the handler keeps failing. */
  attempt: number;
  /** What each event's own delivery would say, at the same index as the events. */
  deliveries: readonly DeliveryInfo[];
}

/**
 * Handles a run of events of one partition, in the order of the partition, in one go (one
 * transaction, `handleOnceBatch` of `@lienthong/db`). A rejection means "try the batch
 * again"; a batch that keeps failing is handed over again one event at a time (batches of
 * one), so that only the event that fails alone goes to the dead-letter topic.
 */
export type BatchHandler = (events: readonly EventEnvelope[], info: BatchInfo) => Promise<void>;

/** What both forms of `EventBus.subscribe` need: the group, its topics and the retry policy. */
interface SubscribeCommon {
  /** Consumer group: each group sees every event once (at least once on the wire). */
  group: string;
  topics: string[];
  /**
   * Tries per event before it goes to the dead-letter topic (default 5); with `handleBatch`,
   * also the tries of a batch before its events are handed over one at a time.
   */
  maxAttempts?: number;
  /** First retry delay in ms, doubled on each retry (default 100). */
  retryBackoffMs?: number;
  /** Start from the earliest retained event when the group has no position yet (default true). */
  fromBeginning?: boolean;
}

/** Subscribing with a handler of one event at a time; each event's position is committed after it. */
export interface EventSubscribeOptions extends SubscribeCommon {
  handler: EventHandler;
  handleBatch?: never;
}

/**
 * Subscribing with a batch handler: up to `maxBatch` events of one partition at a time,
 * their positions committed once, after the batch. On the first failure of a batch every
 * try and dead letter works as for `handler`, batch first, then event by event.
 */
export interface BatchSubscribeOptions extends SubscribeCommon {
  handleBatch: BatchHandler;
  /** Most events per batch (default 500); fewer when fewer are waiting. */
  maxBatch?: number;
  handler?: never;
}

/** What `EventBus.subscribe` needs: the group, its topics and a handler of events or of batches. */
export type SubscribeOptions = EventSubscribeOptions | BatchSubscribeOptions;

/** A running consumer of one group. */
export interface Subscription {
  /** Stops consuming; resolves once the handler in progress (if any) has finished. */
  stop(): Promise<void>;
  /**
   * Why the subscription is not consuming at this moment, while it tries to again (Kafka: a
   * group member kafkajs gave up on, being replaced); undefined while it consumes. A
   * transport whose consumer retries by itself in place (the Postgres log) has none.
   */
  failure?(): Error | undefined;
}

/** The publishing half of the bus (what an outbox relay needs). */
export interface EventPublisher {
  /**
   * Publishes the events durably (Kafka: idempotent producer, acks=all) and resolves once
   * the transport has them. Events with the same key keep the order of the array. A
   * rejection may come after some of them were stored: publishing again repeats those
   * (consumers de-duplicate by id), never reorders them.
   */
  publish(events: OutgoingEvent[]): Promise<void>;
}

/** The bus a service holds: publish, subscribe, topics, readiness, shutdown. */
export interface EventBus extends EventPublisher {
  /** Creates topics if missing (idempotent). */
  ensureTopics(topics: string[]): Promise<void>;
  subscribe(options: SubscribeOptions): Promise<Subscription>;
  /**
   * A real round trip to the transport, for `/readyz`. Rejects when unreachable, or while a
   * subscription of this bus is not consuming (`Subscription.failure`), naming its group.
   */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Dead-letter topic of a topic: where events go after `maxAttempts` failed tries, and
 * messages that are not valid envelopes (poison) at once. A dead letter is the original
 * message (key, value, headers) plus the `lienthong-dlq-*` headers (reason, source topic,
 * partition, offset, attempts). `ensureTopics` creates it alongside its topic.
 */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;
