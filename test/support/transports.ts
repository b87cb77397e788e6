/**
 * The event transports the integration tests run against: real Kafka, the Postgres-backed
 * log on real PostgreSQL, and the same log on embedded PGlite (what `npm start` uses).
 * Each fixture also names the database that holds the outbox and the consumers' effects.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import pg from 'pg';
import { createKafkaBus, createPostgresBus, type EventBus } from '@lienthong/bus';
import { startEmbeddedPostgres } from '@lienthong/db';
import { testEnv, uniqueName } from './env.ts';

export interface TransportFixture {
  name: string;
  databaseUrl: string;
  /** A new bus client of this transport (each test process/“service” makes its own). */
  createBus(clientId: string): EventBus;
  close(): Promise<void>;
}

/** A free loopback port, for servers a test starts itself. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export function kafkaTransport(): TransportFixture {
  return {
    name: 'kafka',
    databaseUrl: testEnv.databaseUrl,
    createBus: (clientId) => createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId }),
    close: async () => {},
  };
}

function postgresLogTransport(name: string, databaseUrl: string, stop: () => Promise<void>): TransportFixture {
  const schema = uniqueName('bus');
  const pools: pg.Pool[] = [];
  return {
    name,
    databaseUrl,
    createBus: () => {
      const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
      pools.push(pool);
      return createPostgresBus({ pool, schema, pollIntervalMs: 50 });
    },
    close: async () => {
      const admin = new pg.Client({ connectionString: databaseUrl });
      await admin.connect();
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.end();
      await Promise.all(pools.map((p) => p.end()));
      await stop();
    },
  };
}

export function postgresTransport(): TransportFixture {
  return postgresLogTransport('postgres-log', testEnv.databaseUrl, async () => {});
}

export async function embeddedTransport(): Promise<TransportFixture> {
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-pglite-'));
  const server = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  return postgresLogTransport('embedded (PGlite)', server.url, async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
}
