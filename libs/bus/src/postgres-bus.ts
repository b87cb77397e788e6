import type { Pool } from 'pg';
import { createEventBus, unavailable, type EncodedEvent } from './bus-core.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import { startPostgresConsumer } from './postgres-consumer.ts';
import { startListener, type Listener } from './postgres-listener.ts';
import { appendToLog } from './postgres-log.ts';
import { channelOf, createLogSchema, inTransaction, quoteSchema } from './postgres-schema.ts';
import type { EventBus, Subscription } from './types.ts';
import { Waker } from './waker.ts';

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
  let schemaReady: Promise<void> | undefined;
  let listener: Listener | undefined;

  const ensureSchema = (): Promise<void> => {
    schemaReady ??= createLogSchema(pool, schema).catch((err: unknown) => {
      schemaReady = undefined;
      throw unavailable(err);
    });
    return schemaReady;
  };

  const { bus } = createEventBus({
    system: 'postgres-log',
    async append(events: EncodedEvent[]): Promise<void> {
      await ensureSchema();
      await inTransaction(pool, (client) => appendToLog(client, schema, events));
      for (const topic of new Set(events.map((e) => e.topic))) waker.wake(topic);
    },

    async createTopics(topics: string[]): Promise<void> {
      await ensureSchema();
      await pool.query(`INSERT INTO ${q}.topics (topic) SELECT unnest($1::text[]) ON CONFLICT (topic) DO NOTHING`, [
        topics,
      ]);
    },

    async startConsumer(subscribeOptions): Promise<Subscription> {
      await ensureSchema();
      if (options.listen !== false)
        listener ??= startListener(pool, channelOf(schema), (topic) => waker.wake(topic), logger);
      return startPostgresConsumer(
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
    },

    async probe(): Promise<void> {
      await pool.query('select 1');
    },

    async release(): Promise<void> {
      await listener?.close();
    },
  });
  return { ...bus, ensureSchema };
}
