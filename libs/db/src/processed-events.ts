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
