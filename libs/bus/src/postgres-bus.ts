import type { Pool } from 'pg';
import { parseEnvelope, serializeEnvelope } from './envelope.ts';
import { BusError, messageOf } from './errors.ts';
import { envelopeHeaders } from './headers.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import { startPostgresConsumer } from './postgres-consumer.ts';
import { startListener, type Listener } from './postgres-listener.ts';
import { appendToLog, type LogRow } from './postgres-log.ts';
import { channelOf, createLogSchema, inTransaction, quoteSchema } from './postgres-schema.ts';
import { assertTopics } from './topic-name.ts';
import { deadLetterTopic, type EventBus, type OutgoingEvent, type SubscribeOptions, type Subscription } from './types.ts';
import { Waker } from './waker.ts';
import { createSubscriptionSet } from './subscription-set.ts';

/** Settings of the Postgres-backed log; only `pool` is required. */
export interface PostgresBusOptions {
  pool: Pool;
  /** Schema of the log tables (default `bus`), created if missing. */
  schema?: string;
  /** How often an idle consumer looks for new rows (default 200 ms). */
  pollIntervalMs?: number;
  /**
   * How long a consumer's claim on a (group, topic) lasts without renewal (default 15000 ms):
   * after a crash, another subscriber of the group takes over within this time.
   */
  leaseMs?: number;
  /** Rows read per query (default 100). */
  batchSize?: number;
  /** Hold one pooled connection in LISTEN for prompt wake-ups from other processes (default true). */
  listen?: boolean;
  logger?: BusLogger;
}

/** The Postgres transport: an `EventBus` plus the explicit schema set-up. */
export interface PostgresBus extends EventBus {
  /** Creates the schema and its tables if missing (idempotent; also run on first use). */
  ensureSchema(): Promise<void>;
}

/**
 * The event bus on Postgres tables, for the embedded mode (PGlite) and small installs. A
 * handler sees what it sees on Kafka: per-key order (here even per-topic order), at least
 * once, commit after the handler, retries with backoff, then the dead-letter topic, which
 * is just another topic of the log.
 */
export function createPostgresBus(options: PostgresBusOptions): PostgresBus {
  const { pool } = options;
  const schema = options.schema ?? 'bus';
  const q = quoteSchema(schema);
  const logger = options.logger ?? silentLogger;
  const waker = new Waker();
  const subscriptions = createSubscriptionSet();
  let schemaReady: Promise<void> | undefined;
  let listener: Listener | undefined;
  let closing = false;

  const ensureSchema = (): Promise<void> => {
    schemaReady ??= createLogSchema(pool, schema).catch((err: unknown) => {
      schemaReady = undefined;
      throw new BusError('BUS_UNAVAILABLE', messageOf(err), { cause: err });
    });
    return schemaReady;
  };
  const ready = async (): Promise<void> => {
    if (closing) throw new BusError('BUS_CLOSED');
    await ensureSchema();
  };

  return {
    ensureSchema,

    async publish(events: OutgoingEvent[]): Promise<void> {
      if (events.length === 0) return;
      assertTopics(events.map((e) => e.topic));
      const rows: LogRow[] = events.map((event) => {
        const value = serializeEnvelope(event.envelope);
        parseEnvelope(value);
        return { topic: event.topic, key: event.key, value, headers: envelopeHeaders(event.envelope) };
      });
      await ready();
      await inTransaction(pool, (client) => appendToLog(client, schema, rows));
      for (const topic of new Set(rows.map((r) => r.topic))) waker.wake(topic);
    },

    async ensureTopics(topics: string[]): Promise<void> {
      assertTopics(topics);
      await ready();
      const all = [...new Set(topics.flatMap((t) => [t, deadLetterTopic(t)]))];
      await pool.query(`INSERT INTO ${q}.topics (topic) SELECT unnest($1::text[]) ON CONFLICT (topic) DO NOTHING`, [all]);
    },

    async subscribe(subscribeOptions: SubscribeOptions): Promise<Subscription> {
      await ready();
      if (options.listen !== false) listener ??= startListener(pool, channelOf(schema), (topic) => waker.wake(topic), logger);
      const subscription = await startPostgresConsumer(
        {
          pool,
          schema,
          logger,
          waker,
          pollIntervalMs: options.pollIntervalMs ?? 200,
          leaseMs: options.leaseMs ?? 15_000,
          batchSize: options.batchSize ?? 100,
        },
        subscribeOptions,
      );
      return subscriptions.track(subscription);
    },

    async ping(): Promise<void> {
      try {
        await pool.query('select 1');
      } catch (err) {
        throw new BusError('BUS_UNAVAILABLE', messageOf(err), { cause: err });
      }
    },

    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      await subscriptions.stopAll();
      await listener?.close();
    },
  };
}
