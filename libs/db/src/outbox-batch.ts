import type { EventPublisher } from '@lienthong/bus';
import type { PoolClient } from 'pg';
import { outboxOrderLockKeySql, toOutgoingEvent, type OutboxRow } from './outbox.ts';

/** Takes the outbox order lock exclusively; false when writers kept it past the timeout. */
async function takeOrderLock(client: PoolClient, schema: string): Promise<boolean> {
  const key = outboxOrderLockKeySql('$1::text');
  const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_xact_lock(${key}) AS ok`, [schema]);
  if (rows[0]?.ok === true) return true;
  // Waiting queues new writers behind us, so wait only briefly (writers are short).
  await client.query(`SET LOCAL lock_timeout = '200ms'`);
  try {
    await client.query(`SELECT pg_advisory_xact_lock(${key})`, [schema]);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') return false;
    throw err;
  }
}

/**
 * Reads the oldest unpublished rows (by id) once every transaction that might still add a
 * smaller id has ended. Runs its own short transaction on `client`.
 */
export async function readBatch(
  client: PoolClient,
  schema: string,
  quoted: string,
  limit: number,
  afterId = '0',
): Promise<OutboxRow[]> {
  await client.query('BEGIN');
  try {
    if (!(await takeOrderLock(client, schema))) {
      await client.query('ROLLBACK');
      return [];
    }
    const { rows } = await client.query<OutboxRow>(
      `SELECT id, topic, key, envelope FROM ${quoted}.outbox
       WHERE published_at IS NULL AND id > $2::bigint ORDER BY id LIMIT $1`,
      [limit, afterId],
    );
    await client.query('COMMIT');
    return rows;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
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

/** Marks rows as published, once the bus has acknowledged them. */
export async function markPublished(client: PoolClient, quoted: string, rows: OutboxRow[]): Promise<void> {
  await client.query(`UPDATE ${quoted}.outbox SET published_at = now() WHERE id = ANY($1::bigint[])`, [
    rows.map((r) => r.id),
  ]);
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
