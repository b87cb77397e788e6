/**
 * The SQL of parked events (table `parked_event`, migration `0005_evidence_renewal`): an event
 * about a record that is not archived yet (its `document.issued` travels on another topic and
 * may come later) is kept here, in the transaction that marks it handled, until the record's
 * package exists; then it is taken, in the transaction that applies it.
 */
import type { EventEnvelope } from '@lienthong/bus';
import type { Queryable } from '../queryable.ts';

/** Keeps `envelope` for `consumer` until record `recordId` is archived (the same event twice: once). */
export async function parkEvent(
  q: Queryable,
  consumer: string,
  recordId: string,
  envelope: EventEnvelope,
  now: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO parked_event (consumer, event_id, record_id, envelope, parked_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT DO NOTHING`,
    [consumer, envelope.id, recordId, JSON.stringify(envelope), now],
  );
}

/** Up to `limit` events parked for `consumer` whose record now has a package, oldest first. */
export async function readyParkedEvents(q: Queryable, consumer: string, limit: number): Promise<EventEnvelope[]> {
  const { rows } = await q.query<{ envelope: EventEnvelope }>(
    `SELECT p.envelope FROM parked_event p
     WHERE p.consumer = $1 AND EXISTS (SELECT 1 FROM package k WHERE k.record_id = p.record_id)
     ORDER BY p.parked_at, p.event_id LIMIT $2`,
    [consumer, limit],
  );
  return rows.map((r) => r.envelope);
}

/** Removes and returns parked event `eventId` of `consumer` (undefined: another took it first). */
export async function takeParkedEvent(
  q: Queryable,
  consumer: string,
  eventId: string,
): Promise<EventEnvelope | undefined> {
  const { rows } = await q.query<{ envelope: EventEnvelope }>(
    'DELETE FROM parked_event WHERE consumer = $1 AND event_id = $2 RETURNING envelope',
    [consumer, eventId],
  );
  return rows[0]?.envelope;
}

/** How many events are parked for `consumer` (a gauge; tests). */
export async function countParkedEvents(q: Queryable, consumer: string): Promise<number> {
  const { rows } = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM parked_event WHERE consumer = $1', [
    consumer,
  ]);
  return rows[0]?.n ?? 0;
}
