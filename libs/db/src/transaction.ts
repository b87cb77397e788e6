import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';

/** SQL transaction isolation levels (SQL:2016 §4.41.3; PostgreSQL docs §13.2). */
export type IsolationLevel = 'read committed' | 'repeatable read' | 'serializable';

export interface TransactionOptions {
  /** Default `read committed`, Postgres' own default. */
  isolation?: IsolationLevel;
  /** Extra tries after a serialization failure or a deadlock (default 3). */
  retries?: number;
}

/** SQLSTATEs after which the whole transaction may simply run again (PostgreSQL Appendix A). */
const retryableCodes = new Set(['40001', '40P01']);

/** True for `serialization_failure` (40001) and `deadlock_detected` (40P01). */
export function isRetryableTransactionError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && retryableCodes.has((err as { code?: unknown }).code as string);
}

const beginSql: Record<IsolationLevel, string> = {
  'read committed': 'BEGIN ISOLATION LEVEL READ COMMITTED',
  'repeatable read': 'BEGIN ISOLATION LEVEL REPEATABLE READ',
  serializable: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
};

/**
 * Runs `fn` in one transaction on one pooled connection: BEGIN, COMMIT on success,
 * ROLLBACK on any error; the connection is always released (destroyed if ROLLBACK itself
 * failed). On 40001/40P01 the whole transaction runs again after a jittered exponential
 * backoff, so `fn` must have no effects outside the transaction.
 */
export async function withTransaction<T>(
  pool: Pool,
  fn: (client: PoolClient) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const begin = beginSql[options.isolation ?? 'read committed'];
  const retries = options.retries ?? 3;
  for (let attempt = 0; ; attempt++) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (err) {
      try {
        await client.query('ROLLBACK');
      } catch (rollbackErr) {
        broken = rollbackErr instanceof Error ? rollbackErr : new Error(String(rollbackErr));
      }
      if (attempt >= retries || !isRetryableTransactionError(err)) throw err;
    } finally {
      client.release(broken);
    }
    // Full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"), capped at 1 s.
    await sleep(Math.random() * Math.min(1_000, 10 * 2 ** attempt));
  }
}
