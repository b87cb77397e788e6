import pg from 'pg';
import type { Pool } from 'pg';
import { DbError } from './errors.ts';
import { silentLogger, type DbLogger } from './logger.ts';
import { quoteSchema } from './schema-name.ts';
import type { DatabaseConfig } from './types.ts';

/** Tuning of a pool beyond the service's `DatabaseConfig`; every field has a default. */
export interface PoolOptions {
  /** Time to open a connection before giving up, ms (default 5000). */
  connectionTimeoutMs?: number;
  /** Server-side `statement_timeout`, ms; 0 disables (default 30000). */
  statementTimeoutMs?: number;
  /** Server-side `idle_in_transaction_session_timeout`, ms; 0 disables (default 60000). */
  idleInTransactionTimeoutMs?: number;
  /** How long an idle connection stays in the pool, ms (default 10000). */
  idleTimeoutMs?: number;
  logger?: DbLogger;
}

const schemaOfPool = new WeakMap<Pool, string>();

/**
 * Opens a `pg` pool bound to the service's schema. Every new connection runs
 * `SET search_path TO "<schema>", public` (plus the timeouts) before it is handed out, so
 * unqualified table names resolve to the service's own tables. Idle-connection errors
 * (server restart, network cut) are logged, never thrown: the pool replaces the client.
 */
export function createPool(config: DatabaseConfig, options: PoolOptions = {}): Pool {
  const quoted = quoteSchema(config.schema);
  const logger = options.logger ?? silentLogger;
  const statementTimeout = options.statementTimeoutMs ?? 30_000;
  const idleInTransaction = options.idleInTransactionTimeoutMs ?? 60_000;
  const sessionSql =
    `SET search_path TO ${quoted}, public; ` +
    `SET statement_timeout = ${Math.trunc(statementTimeout)}; ` +
    `SET idle_in_transaction_session_timeout = ${Math.trunc(idleInTransaction)}`;
  const pool = new pg.Pool({
    connectionString: config.url,
    max: config.maxConnections ?? 10,
    application_name: config.applicationName ?? `lienthong-${config.schema}`,
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    idleTimeoutMillis: options.idleTimeoutMs ?? 10_000,
    // pg-pool awaits this hook before handing the client out and drops the client if it
    // fails; @types/pg declares it as returning void.
    // eslint-disable-next-line @typescript-eslint/no-misused-promises
    onConnect: async (client) => {
      await client.query(sessionSql);
    },
  });
  pool.on('error', (err) => {
    logger.error({ err, schema: config.schema }, 'idle Postgres client failed; the pool replaces it');
  });
  schemaOfPool.set(pool, config.schema);
  return pool;
}

/** The schema a pool made by `createPool` is bound to, if it was made there. */
export function schemaOf(pool: Pool): string | undefined {
  return schemaOfPool.get(pool);
}

/**
 * Readiness probe for `/readyz`: a real round trip (`select 1`). Rejects with
 * `DB_UNAVAILABLE` (503) when Postgres does not answer.
 */
export async function checkDatabase(pool: Pool): Promise<void> {
  try {
    await pool.query('select 1');
  } catch (err) {
    throw new DbError('DB_UNAVAILABLE', err instanceof Error ? err.message : String(err), { cause: err });
  }
}
