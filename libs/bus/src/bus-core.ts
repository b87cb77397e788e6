/**
 * What both transports do the same way, written once: checking and encoding events, the
 * dead-letter topics that go with topics, the life of a bus (open → closing → closed) and
 * the subscriptions it has handed out, and `ping` failures read as `BUS_UNAVAILABLE` (a
 * subscription that is not consuming at the moment is one).
 * A transport supplies only what differs (`Transport`); `createEventBus` does the rest,
 * publish and consumer spans included (`tracing.ts`).
 */
import { parseEnvelope, serializeEnvelope } from './envelope.ts';
import { BusError, messageOf } from './errors.ts';
import { envelopeHeaders } from './headers.ts';
import { assertTopics } from './topic-name.ts';
import { tracePublish, traceSubscription, type MessagingSystem } from './tracing.ts';
import {
  deadLetterTopic,
  type EventBus,
  type OutgoingEvent,
  type SubscribeOptions,
  type Subscription,
} from './types.ts';

/** An event as both transports store it: checked, serialized, with its headers. */
export interface EncodedEvent {
  topic: string;
  key: string;
  /** The envelope JSON (at most `maxEnvelopeBytes`). */
  value: string;
  headers: Record<string, string>;
}

/** The part of a bus that differs between Kafka and the Postgres log. */
export interface Transport {
  /** `messaging.system` of its spans. */
  system: MessagingSystem;
  /** Stores the events durably, events of one key in array order. */
  append(events: EncodedEvent[]): Promise<void>;
  /** Creates the topics (their dead-letter topics are in the list) when missing. */
  createTopics(topics: string[]): Promise<void>;
  /** Starts one consumer and resolves once it consumes. */
  startConsumer(options: SubscribeOptions): Promise<Subscription>;
  /** One round trip to the transport. */
  probe(): Promise<void>;
  /** Lets go of the clients, once every subscription has stopped. */
  release(): Promise<void>;
}

/** Where a bus is in its life: `closing` while its subscriptions stop. */
export type BusState = 'open' | 'closing' | 'closed';

/** A transport failure as `BUS_UNAVAILABLE`; a `BusError` stays what it is. */
export function unavailable(err: unknown): BusError {
  return err instanceof BusError ? err : new BusError('BUS_UNAVAILABLE', messageOf(err), { cause: err });
}

/** Checks topic names and envelopes and serializes them, in the caller's order. */
export function encodeEvents(events: readonly OutgoingEvent[]): EncodedEvent[] {
  assertTopics(events.map((e) => e.topic));
  return events.map((event) => {
    const value = serializeEnvelope(event.envelope);
    parseEnvelope(value);
    return { topic: event.topic, key: event.key, value, headers: envelopeHeaders(event.envelope) };
  });
}

/** The topics, checked, and their dead-letter topics, each once. */
export function withDeadLetterTopics(topics: readonly string[]): string[] {
  assertTopics(topics);
  return [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))];
}

/**
 * An `EventBus` over `transport`. `state()` tells the transport whether it may still
 * connect (Kafka's dead letters need the producer while subscriptions stop); `publish`,
 * `ensureTopics` and `subscribe` refuse with `BUS_CLOSED` once `close()` has begun.
 */
export function createEventBus(transport: Transport): { bus: EventBus; state: () => BusState } {
  let state: BusState = 'open';
  /** The subscriptions handed out and not stopped, with their groups. */
  const live = new Map<Subscription, string>();
  const assertOpen = (): void => {
    if (state !== 'open') throw new BusError('BUS_CLOSED');
  };

  const bus: EventBus = {
    async publish(events) {
      if (events.length === 0) return;
      const encoded = encodeEvents(events);
      assertOpen();
      await tracePublish(transport.system, events, encoded, (traced) => transport.append(traced));
    },

    async ensureTopics(topics) {
      const all = withDeadLetterTopics(topics);
      assertOpen();
      await transport.createTopics(all);
    },

    async subscribe(options) {
      assertOpen();
      const subscription = await transport.startConsumer(traceSubscription(transport.system, options));
      if (state !== 'open') {
        // close() began while this consumer was joining: it would outlive the bus.
        await subscription.stop();
        throw new BusError('BUS_CLOSED');
      }
      const tracked: Subscription = {
        stop: async () => {
          live.delete(tracked);
          await subscription.stop();
        },
        failure: () => subscription.failure?.(),
      };
      live.set(tracked, options.group);
      return tracked;
    },

    async ping() {
      try {
        await transport.probe();
      } catch (err) {
        throw unavailable(err);
      }
      const failing = [...live].flatMap(([s, group]) => {
        const failure = s.failure?.();
        return failure === undefined ? [] : [`consumer group ${group} is not consuming (${messageOf(failure)})`];
      });
      if (failing.length > 0) throw new BusError('BUS_UNAVAILABLE', failing.join('; '));
    },

    async close() {
      if (state !== 'open') return;
      state = 'closing';
      // Consumers first: the event in flight may still need the transport (a dead letter).
      await Promise.allSettled([...live.keys()].map((s) => s.stop()));
      state = 'closed';
      await transport.release();
    },
  };
  return { bus, state: () => state };
}
