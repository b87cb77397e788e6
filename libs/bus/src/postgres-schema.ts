import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { BusError } from './errors.ts';

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/** Checks a schema name (lower-case SQL identifier, at most 63 bytes) and returns it double-quoted. */
export function quoteSchema(schema: string): string {
  if (!schemaPattern.test(schema)) throw new BusError('BUS_SCHEMA_NAME_INVALID', JSON.stringify(schema));
  return `"${schema}"`;
}

/** LISTEN/NOTIFY channel of one schema's log (an identifier, so at most 63 bytes). */
export function channelOf(schema: string): string {
  return `lienthong_bus_${createHash('sha256').update(schema).digest('hex').slice(0, 16)}`;
}

/**
 * A 64-bit advisory lock key (decimal, for `$1::bigint`) for one purpose in one schema,
 * computed in JS so that every process and every Postgres (PostgreSQL, PGlite) agrees.
 */
export function advisoryKey(purpose: string, schema: string): string {
  return createHash('sha256').update(`lienthong:bus:${purpose}:${schema}`).digest().readBigInt64BE(0).toString();
}

/**
 * The tables of the Postgres-backed log:
 * - `log`: append-only, one row per message; `seq` is the position. Publishers serialize on
 *   an advisory lock so that `seq` order is commit order and a reader never skips a row
 *   that commits late.
 * - `positions`: per (consumer group, topic) the last handled `seq`, and a lease saying
 *   which subscriber may consume that pair now.
 * - `topics`: the topics `ensureTopics` was told about (informational).
 * - `dlq_replayed`: the dead letters (topic, seq) an operator's replay sent to their topic.
 */
function ddl(q: string): string {
  return `
    CREATE SCHEMA IF NOT EXISTS ${q};
    CREATE TABLE IF NOT EXISTS ${q}.log (
      seq bigserial PRIMARY KEY,
      topic text NOT NULL,
      key text NOT NULL,
      value text NOT NULL,
      headers jsonb NOT NULL DEFAULT '{}'::jsonb,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX IF NOT EXISTS log_topic_seq ON ${q}.log (topic, seq);
    CREATE TABLE IF NOT EXISTS ${q}.positions (
      group_id text NOT NULL,
      topic text NOT NULL,
      position bigint NOT NULL,
      owner text,
      lease_until timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (group_id, topic)
    );
    CREATE TABLE IF NOT EXISTS ${q}.topics (
      topic text PRIMARY KEY,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE IF NOT EXISTS ${q}.dlq_replayed (
      topic text NOT NULL,
      seq bigint NOT NULL,
      replayed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (topic, seq)
    );`;
}

/** Creates the schema and tables if missing; concurrent callers serialize on an advisory lock. */
export async function createLogSchema(pool: Pool, schema: string): Promise<void> {
  const q = quoteSchema(schema);
  await inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('schema', schema)]);
    await client.query(ddl(q));
  });
}

/** Runs `work` in a transaction on a pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    // A connection that cannot even roll back is dropped, not returned to the pool.
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}
