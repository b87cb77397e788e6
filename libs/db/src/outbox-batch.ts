import type { EventPublisher } from '@lienthong/bus';
import type { PoolClient, QueryResult } from 'pg';
import { outboxOrderLockKeySql, toOutgoingEvent, type OutboxRow } from './outbox.ts';
import { quoteSchema } from './schema-name.ts';

/** The watermark: every row up to this id has been acknowledged by the bus. */
const relayedUpTo = (quoted: string): string => `SELECT coalesce(max(up_to), 0) FROM ${quoted}.outbox_relayed`;

/** Rows of the statement after BEGIN, SET LOCAL and the lock in `readBatch`'s query. */
const selectIndex = 3;

/**
 * Reads the oldest rows not yet relayed (by id, after the watermark and `afterId`) once every transaction that
 * might still add a smaller id has ended: in one transaction that takes the outbox order
 * lock exclusively, then selects (a new snapshot, taken after the lock). Waiting for the
 * lock queues new writers behind us, so it waits at most 200 ms (writers are short) and
 * reads nothing when writers kept it longer.
 */
export async function readBatch(
  client: PoolClient,
  schema: string,
  quoted: string,
  limit: number,
  afterId = '0',
): Promise<OutboxRow[]> {
  // One simple query of several statements: the batch costs one round trip, not four. A
  // simple query takes no parameters, so the values are spliced once made safe: the schema
  // passes quoteSchema's pattern (no quote can be in it), the numbers are numbers.
  quoteSchema(schema);
  const sql = `BEGIN; SET LOCAL lock_timeout = '200ms';
    SELECT pg_advisory_xact_lock(${outboxOrderLockKeySql(`'${schema}'`)});
    SELECT id, topic, key, envelope FROM ${quoted}.outbox
      WHERE id > greatest(${BigInt(afterId)}, (${relayedUpTo(quoted)}))
      ORDER BY id LIMIT ${Math.max(1, Math.trunc(limit) || 1)};
    COMMIT`;
  try {
    const results = (await client.query(sql)) as unknown as QueryResult<OutboxRow>[];
    return results[selectIndex]?.rows ?? [];
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    if ((err as { code?: string }).code === '55P03') return [];
    throw err;
  }
}

/**
 * One relay step: read a batch, publish it in id order, move the watermark past it. The caller
 * must hold the schema's relay lock. A crash between publish and mark leaves the rows
 * after the watermark, so the next step publishes them again with the same event ids.
 */
export async function relayBatch(
  client: PoolClient,
  schema: string,
  quoted: string,
  publisher: EventPublisher,
  limit: number,
): Promise<number> {
  const rows = await readBatch(client, schema, quoted, limit);
  if (rows.length === 0) return 0;
  await publisher.publish(rows.map(toOutgoingEvent));
  await markRelayed(client, quoted, rows);
  return rows.length;
}

/**
 * Moves the watermark past a batch, once the bus has acknowledged it and every batch
 * before it. Ids are read in commit order, so "up to id X" names exactly the rows relayed;
 * the watermark never moves back.
 */
export async function markRelayed(client: PoolClient, quoted: string, rows: readonly OutboxRow[]): Promise<void> {
  const last = rows.at(-1);
  if (!last) return;
  await client.query(
    `INSERT INTO ${quoted}.outbox_relayed AS r (up_to) VALUES ($1::bigint)
     ON CONFLICT (singleton) DO UPDATE SET up_to = greatest(r.up_to, excluded.up_to), relayed_at = now()`,
    [last.id],
  );
}

/** Deletes relayed rows created before the retention window; returns how many. */
export async function deleteRelayed(client: PoolClient, quoted: string, retentionMs: number): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${quoted}.outbox
     WHERE id <= (${relayedUpTo(quoted)})
       AND created_at < now() - $1::bigint * interval '1 millisecond'`,
    [Math.trunc(retentionMs)],
  );
  return result.rowCount ?? 0;
}

/**
 * How many committed rows of the client's schema the bus has not acknowledged yet (the
 * relay's backlog, for health checks and tests).
 */
export async function outboxBacklog(db: Pick<PoolClient, 'query'>): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM outbox WHERE id > (SELECT coalesce(max(up_to), 0) FROM outbox_relayed)`,
  );
  return Number(rows[0]?.n ?? 0);
}
