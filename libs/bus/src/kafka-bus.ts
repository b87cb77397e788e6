import { Kafka, Partitioners, type Admin, type Message, type Producer } from 'kafkajs';
import { createEventBus, unavailable, type EncodedEvent } from './bus-core.ts';
import { BusError } from './errors.ts';
import { kafkaLevelOf, kafkaLogCreator } from './kafka-logging.ts';
import { startKafkaConsumer } from './kafka-consumer.ts';
import { splitForRequests } from './kafka-request-size.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import type { EventBus } from './types.ts';

/** Settings of the Kafka transport; only `brokers` and `clientId` are required. */
export interface KafkaBusOptions {
  /** `host:port` of the bootstrap brokers. */
  brokers: string[];
  /** Client id the brokers see (the service name). */
  clientId: string;
  logger?: BusLogger;
  /** Lowest kafkajs log level passed to `logger` (default `warn`). */
  kafkaLogLevel?: 'error' | 'warn' | 'info' | 'debug';
  /** How long `subscribe` waits for the group join (default 60000 ms). */
  joinTimeoutMs?: number;
  /** Consumer session timeout (default 30000 ms): a silent member is dropped after it. */
  sessionTimeoutMs?: number;
  /**
   * Longest time the broker holds a fetch when there is nothing new (default 500 ms, Kafka's
   * `fetch.max.wait.ms`); `stop()` may wait this long for the fetch in flight.
   */
  fetchMaxWaitMs?: number;
  /** Partitions a consumer processes at the same time, each still in order (default 1). */
  partitionsConsumedConcurrently?: number;
  /** Partitions of topics made by `ensureTopics` (default: the broker's `num.partitions`). */
  numPartitions?: number;
  /** Replication factor of topics made by `ensureTopics` (default: the broker's). */
  replicationFactor?: number;
  /** Socket connect timeout (default 3000 ms). */
  connectionTimeoutMs?: number;
}

/** How long `ensureTopics` waits for the leaders of topics it made. */
const topicLeadersTimeoutMs = 30_000;

const isRetriable = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && (err as { retriable?: unknown }).retriable === true;

/** Waits until every partition of `topics` has a leader in the metadata `admin` is given, or the deadline. */
async function waitForLeaders(admin: Admin, topics: string[], deadline: number): Promise<void> {
  for (;;) {
    try {
      const { topics: found } = await admin.fetchTopicMetadata({ topics });
      if (found.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
    } catch (err) {
      if (!isRetriable(err) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new BusError('BUS_UNAVAILABLE', `no leader for ${topics.join(', ')} in time`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/**
 * The event bus on Apache Kafka (kafkajs 2.2). The envelope is the message value (JSON),
 * `OutgoingEvent.key` the message key (so one key stays on one partition, in order), and
 * the id, type and traceparent are copied into headers. The producer is idempotent with
 * one request in flight and acks from all in-sync replicas, so a retried send neither
 * duplicates nor reorders. A publish heavier than one produce request may carry (the
 * broker's 1 MiB record batch) goes out as several requests, one after another. Each
 * `subscribe` is one consumer group member.
 */
export function createKafkaBus(options: KafkaBusOptions): EventBus {
  const logger = options.logger ?? silentLogger;
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    logLevel: kafkaLevelOf(options.kafkaLogLevel),
    logCreator: kafkaLogCreator(logger),
  });
  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;

  const connected = <C extends { connect(): Promise<void> }>(make: () => C): Promise<C> => {
    const client = make();
    return client.connect().then(() => client);
  };
  // The producer outlives `closing`: a consumer that is stopping may still send a dead letter.
  const getProducer = (): Promise<Producer> => {
    if (state() === 'closed') return Promise.reject(new BusError('BUS_CLOSED'));
    producer ??= connected(() =>
      kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      }),
    ).catch((err: unknown) => {
      producer = undefined;
      throw unavailable(err);
    });
    return producer;
  };
  const getAdmin = (): Promise<Admin> => {
    if (state() === 'closed') return Promise.reject(new BusError('BUS_CLOSED'));
    admin ??= connected(() => kafka.admin()).catch((err: unknown) => {
      admin = undefined;
      throw unavailable(err);
    });
    return admin;
  };

  const sendBatch = async (byTopic: Map<string, Message[]>): Promise<void> => {
    const p = await getProducer();
    try {
      await p.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
    } catch (err) {
      throw unavailable(err);
    }
  };

  const { bus, state } = createEventBus({
    system: 'kafka',
    async append(events: EncodedEvent[]): Promise<void> {
      // Requests go one after another, each acknowledged before the next, so a failure
      // leaves a prefix sent and the caller's retry repeats it: duplicates, never reordering.
      for (const run of splitForRequests(events)) {
        // A Map keeps first-insertion order and each array keeps the caller's order, so events
        // of one key reach their partition in array order inside one produce request.
        const byTopic = new Map<string, Message[]>();
        for (const { topic, key, value, headers } of run) {
          const messages = byTopic.get(topic) ?? [];
          messages.push({ key, value, headers });
          byTopic.set(topic, messages);
        }
        await sendBatch(byTopic);
      }
    },

    async createTopics(topics: string[]): Promise<void> {
      const a = await getAdmin();
      try {
        const existing = new Set(await a.listTopics());
        const missing = topics.filter((t) => !existing.has(t));
        if (missing.length === 0) return;
        // Another process may create the same topics at the same time; kafkajs answers
        // `false` when every failure is TOPIC_ALREADY_EXISTS.
        try {
          await a.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: options.numPartitions ?? -1,
              replicationFactor: options.replicationFactor ?? -1,
            })),
          });
        } catch (err) {
          // kafkajs waits for leaders only through LEADER_NOT_AVAILABLE; a broker whose
          // metadata lags the controller answers UNKNOWN_TOPIC_OR_PARTITION meanwhile.
          if (!isRetriable(err)) throw err;
          await waitForLeaders(a, missing, Date.now() + topicLeadersTimeoutMs);
        }
      } catch (err) {
        throw unavailable(err);
      }
    },

    startConsumer: (subscribeOptions) =>
      startKafkaConsumer(
        {
          kafka,
          logger,
          publishDeadLetter: (topic, message) => sendBatch(new Map([[topic, [message]]])),
          joinTimeoutMs: options.joinTimeoutMs ?? 60_000,
          sessionTimeoutMs: options.sessionTimeoutMs ?? 30_000,
          fetchMaxWaitMs: options.fetchMaxWaitMs ?? 500,
          partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
        },
        subscribeOptions,
      ),

    async probe(): Promise<void> {
      await (await getAdmin()).describeCluster();
    },

    async release(): Promise<void> {
      const clients = await Promise.allSettled([producer, admin].filter((c) => c !== undefined));
      await Promise.allSettled(clients.flatMap((c) => (c.status === 'fulfilled' ? [c.value.disconnect()] : [])));
    },
  });
  return bus;
}
