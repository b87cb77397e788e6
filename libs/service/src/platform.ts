/**
 * The external clients every service connects to, in the order DESIGN.md gives: the
 * service's own Postgres schema (migrated at start), the event bus (Kafka in real mode,
 * the Postgres-backed log in embedded mode), the object store (MinIO/S3 or a folder),
 * and the outbox relay that carries the service's events from its schema to the bus.
 */
import pg from 'pg';
import { createBus, openBusBacklog, type EventBus } from '@lienthong/bus';
import { checkDatabase, createOutboxRelay, createPool, migrate, type Migration, type Pool } from '@lienthong/db';
import { createObjectStore, type ObjectStore } from '@lienthong/storage';
import type { ReadinessCheck } from './health.ts';
import type { Logger } from './logger.ts';
import { watchConsumers, type PlatformBacklog } from './platform-metrics.ts';
import type { ServiceConfig } from './service-config.ts';

/** What a service brings to `connectPlatform`: its name (= its schema) and migrations. */
export interface PlatformOptions {
  service: string;
  migrations: Migration[];
  logger: Logger;
  /** Relay the service's outbox to the bus (default true). */
  relayOutbox?: boolean;
}

/** A service's connected clients, its readiness checks, and one `close` for all of them. */
export interface Platform {
  pool: Pool;
  bus: EventBus;
  store: ObjectStore;
  checks: ReadinessCheck[];
  /** What the bus gauges read (consumer lag, dead letters); without it the app has none. */
  backlog?: PlatformBacklog;
  close(): Promise<void>;
}

/** Schema of the embedded event log, shared by the services like a Kafka cluster is. */
export const embeddedBusSchema = 'bus';

/** Connects a service to its database, bus and object store; migrations run before it returns. */
export async function connectPlatform(config: ServiceConfig, options: PlatformOptions): Promise<Platform> {
  const { service, logger } = options;
  const pool = createPool({ url: config.database.url, schema: service, applicationName: `lienthong-${service}` });
  const closers: Array<() => Promise<void>> = [() => pool.end()];
  const close = async (): Promise<void> => {
    for (const closer of closers.reverse()) {
      await closer().catch((error: unknown) => logger.warn({ err: error }, `${service}: error while closing`));
    }
  };
  try {
    await migrate(pool, service, options.migrations, logger);

    let bus: EventBus;
    let reader;
    if (config.mode === 'real') {
      bus = createBus({ transport: 'kafka', brokers: config.kafka.brokers, clientId: `lienthong-${service}` }, logger);
      reader = openBusBacklog({
        transport: 'kafka',
        brokers: config.kafka.brokers,
        clientId: `lienthong-${service}-backlog`,
        logger,
      });
    } else {
      const busPool = new pg.Pool({
        connectionString: config.database.url,
        max: 4,
        application_name: `lienthong-${service}-bus`,
      });
      closers.push(() => busPool.end());
      bus = createBus({ transport: 'postgres', pool: busPool, schema: embeddedBusSchema }, logger);
      reader = openBusBacklog({ transport: 'postgres', pool: busPool, schema: embeddedBusSchema });
    }
    closers.push(() => bus.close());
    closers.push(() => reader.close());
    const watched = watchConsumers(bus, reader);
    bus = watched.bus;

    const store = createObjectStore(
      config.mode === 'real' ? { kind: 's3', ...config.s3 } : { kind: 'folder', dir: config.storageDir },
      logger,
    );

    if (options.relayOutbox ?? true) {
      const relay = createOutboxRelay({ pool, schema: service, publisher: bus, logger });
      relay.start();
      closers.push(() => relay.stop());
    }

    const checks: ReadinessCheck[] = [
      { name: 'database', check: () => checkDatabase(pool) },
      { name: 'events', check: () => bus.ping() },
      { name: 'objects', check: () => store.ping() },
    ];
    return { pool, bus, store, checks, backlog: watched.backlog, close };
  } catch (error) {
    await close();
    throw error;
  }
}
