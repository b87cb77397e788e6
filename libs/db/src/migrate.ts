import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import { DbError } from './errors.ts';
import { kitMigrations } from './kit-migrations.ts';
import { silentLogger, type DbLogger } from './logger.ts';
import { advisoryKey, quoteSchema } from './schema-name.ts';
import type { Migration } from './types.ts';

const reservedPrefix = 'lienthong_';

/** SHA-256 of the migration's SQL, hex: what `schema_migrations.checksum` holds. */
export function migrationChecksum(migration: Migration): string {
  return createHash('sha256').update(migration.sql).digest('hex');
}

function checkOrder(migrations: readonly Migration[]): void {
  let previous: string | undefined;
  for (const { id } of migrations) {
    if (id.length === 0 || id.startsWith(reservedPrefix)) {
      throw new DbError('DB_MIGRATION_ORDER_INVALID', `bad id ${JSON.stringify(id)}`);
    }
    if (previous !== undefined && !(previous < id)) {
      throw new DbError('DB_MIGRATION_ORDER_INVALID', `${JSON.stringify(id)} comes after ${JSON.stringify(previous)}`);
    }
    previous = id;
  }
}

/** Runs `fn` in a transaction holding the schema's migration lock (released at COMMIT). */
async function locked<T>(pool: Pool, lockKey: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [lockKey]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((rollbackErr: unknown) => {
      broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
    });
    throw err;
  } finally {
    client.release(broken);
  }
}

async function readApplied(client: PoolClient, quoted: string): Promise<Map<string, string>> {
  const { rows } = await client.query<{ id: string; checksum: string }>(
    `SELECT id, checksum FROM ${quoted}.schema_migrations`,
  );
  return new Map(rows.map((row) => [row.id, row.checksum]));
}

function checkChecksum(migration: Migration, applied: Map<string, string>): boolean {
  const stored = applied.get(migration.id);
  if (stored === undefined) return false;
  if (stored !== migrationChecksum(migration)) {
    throw new DbError('DB_MIGRATION_CHECKSUM_MISMATCH', migration.id);
  }
  return true;
}

/**
 * Brings `schema` up to date: creates it and its `schema_migrations(id, checksum,
 * applied_at)` table when missing, then runs the kit's own migrations (outbox,
 * processed events) and the service's pending `migrations` in id order, each in its own
 * transaction with `search_path` set to the schema. Every step holds a transaction-level
 * advisory lock keyed on the schema, so processes migrating at once run each migration
 * exactly once. Refuses, before changing anything, unsorted or duplicated ids and applied
 * migrations whose SQL changed. Returns the ids it applied.
 */
export async function migrate(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[],
  logger: DbLogger = silentLogger,
): Promise<string[]> {
  const quoted = quoteSchema(schema);
  checkOrder(migrations);
  const all = [...kitMigrations, ...migrations];
  const lockKey = advisoryKey('migrate', schema);

  const pending = await locked(pool, lockKey, async (client) => {
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoted}`);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${quoted}.schema_migrations (
         id text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const applied = await readApplied(client, quoted);
    const known = new Set(all.map((m) => m.id));
    for (const id of applied.keys()) {
      if (!known.has(id)) logger.warn({ schema, id }, 'applied migration is unknown to this version');
    }
    return all.filter((m) => !checkChecksum(m, applied));
  });

  const ran: string[] = [];
  for (const migration of pending) {
    const didRun = await locked(pool, lockKey, async (client) => {
      // Another process may have applied it while this one waited for the lock.
      if (checkChecksum(migration, await readApplied(client, quoted))) return false;
      await client.query(`SET LOCAL search_path TO ${quoted}, public`);
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${quoted}.schema_migrations (id, checksum) VALUES ($1, $2)`, [
        migration.id,
        migrationChecksum(migration),
      ]);
      return true;
    });
    if (didRun) {
      ran.push(migration.id);
      logger.info({ schema, id: migration.id }, 'migration applied');
    }
  }
  return ran;
}
