import type { PoolClient } from 'pg';

/**
 * Records that `consumer` has handled the event `eventId`, in the caller's transaction
 * (idempotent consumer pattern). Returns true the first time, false when the event was
 * already handled: the caller then skips its effect. Effect and record commit or roll
 * back together, which turns at-least-once delivery into exactly-once effect.
 */
export async function handleOnce(client: PoolClient, consumer: string, eventId: string): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2::uuid)
     ON CONFLICT DO NOTHING`,
    [consumer, eventId],
  );
  return result.rowCount === 1;
}

/**
 * `handleOnce` for a batch of events in one statement: records every id of `eventIds` for
 * `consumer` in the caller's transaction and returns those recorded now, the ones whose
 * effect the caller makes (as given; an id listed twice is in the set once, and its effect
 * is to be made once). Ids already handled are left out. Rows are inserted in id order,
 * so two batches that share ids lock them in the same order and do not deadlock.
 */
export async function handleOnceBatch(
  client: PoolClient,
  consumer: string,
  eventIds: readonly string[],
): Promise<Set<string>> {
  if (eventIds.length === 0) return new Set();
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO processed_events (consumer, event_id)
     SELECT $1, u.id FROM unnest($2::uuid[]) AS u(id) ORDER BY u.id
     ON CONFLICT DO NOTHING
     RETURNING event_id::text AS id`,
    [consumer, eventIds],
  );
  const recorded = new Set(rows.map((r) => r.id));
  // Postgres writes a UUID in lower case; give each id back as the caller spelled it.
  return new Set(eventIds.filter((id) => recorded.has(id.toLowerCase())));
}
