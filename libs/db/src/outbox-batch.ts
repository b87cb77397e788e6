import type { EventPublisher } from '@lienthong/bus';
import type { PoolClient, QueryResult } from 'pg';
import { outboxOrderLockKeySql, toOutgoingEvent, type OutboxRow } from './outbox.ts';
import { quoteSchema } from './schema-name.ts';

/** Rows of the statement after BEGIN, SET LOCAL and the lock in `readBatch`'s query. */
const selectIndex = 3;

/**
 * Reads the oldest unpublished rows (by id, after `afterId`) once every transaction that
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
      WHERE published_at IS NULL AND id > ${BigInt(afterId)} ORDER BY id LIMIT ${Math.max(1, Math.trunc(limit) || 1)};
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
 * One relay step: read a batch, publish it in id order, mark it published. The caller
 * must hold the schema's relay lock. A crash between publish and mark leaves the rows
 * unpublished, so the next step publishes them again with the same event ids.
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
  await markPublished(client, quoted, rows);
  return rows.length;
}

/**
 * Marks a batch as published, once the bus has acknowledged it. A batch read by
 * `readBatch` is every unpublished row from its first id to its last (no transaction could
 * still add one in between), so the id range names it without sending every id.
 */
export async function markPublished(client: PoolClient, quoted: string, rows: readonly OutboxRow[]): Promise<void> {
  const first = rows[0];
  const last = rows.at(-1);
  if (!first || !last) return;
  await client.query(
    `UPDATE ${quoted}.outbox SET published_at = now()
     WHERE id BETWEEN $1::bigint AND $2::bigint AND published_at IS NULL`,
    [first.id, last.id],
  );
}

/** Deletes published rows older than the retention window; returns how many. */
export async function deletePublished(client: PoolClient, quoted: string, retentionMs: number): Promise<number> {
  const result = await client.query(
    `DELETE FROM ${quoted}.outbox
     WHERE published_at IS NOT NULL AND published_at < now() - $1::bigint * interval '1 millisecond'`,
    [Math.trunc(retentionMs)],
  );
  return result.rowCount ?? 0;
}
