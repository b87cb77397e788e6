/**
 * What waits in a service's outbox, for metrics: the rows the bus has not acknowledged yet
 * and how long the oldest of them has waited. Read by index (the primary key after the relay's
 * watermark), so a scrape stays cheap however long the outbox is.
 */
import type { PoolClient } from 'pg';

/** The outbox's backlog at one instant. */
export interface OutboxStatus {
  /** Rows not yet published, counted up to `outboxCountLimit`. */
  pending: number;
  /** Seconds since the oldest of them was written (0 when none waits). */
  oldestPendingSeconds: number;
}

/** Counting further would scan a backlog already far past every alert threshold. */
export const outboxCountLimit = 100_000;

/**
 * The backlog of the outbox of the client's schema (the pool's `search_path`). Ids are relayed
 * in commit order, so the first id after the watermark is the oldest row waiting.
 */
export async function outboxStatus(db: Pick<PoolClient, 'query'>): Promise<OutboxStatus> {
  const { rows } = await db.query<{ pending: string; oldest: string | null }>(
    `WITH w AS (SELECT coalesce(max(up_to), 0) AS up_to FROM outbox_relayed)
     SELECT (SELECT count(*) FROM (SELECT 1 FROM outbox, w WHERE id > w.up_to LIMIT ${outboxCountLimit}) AS p) AS pending,
            (SELECT extract(epoch FROM now() - created_at) FROM outbox, w WHERE id > w.up_to ORDER BY id LIMIT 1) AS oldest`,
  );
  const oldest = Number(rows[0]?.oldest ?? 0);
  return { pending: Number(rows[0]?.pending ?? 0), oldestPendingSeconds: Math.max(0, oldest) };
}
