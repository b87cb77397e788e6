/**
 * Overdue answers: a leg in its recipient's inbox (01) whose document's deadline has passed
 * with no answer is noted once — `overdue_since` on the leg, an `overdue` entry in its
 * history (by the service, at the deadline, the sweep's time in its detail) and a
 * `delivery.status-changed` with `overdueSince` in the outbox, so the sender and its webhook
 * learn it. Exactly once per leg: the legs are claimed `FOR UPDATE SKIP LOCKED` where
 * `overdue_since IS NULL` and marked in the same transaction, so concurrent sweepers and
 * restarts never note a leg twice.
 */
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';
import type { DeliveryTopics } from '../topics.ts';
import { deliveryColumns, legColumns, toDelivery, toLeg, unansweredStatuses } from './delivery.ts';
import type { Delivery, DeliveryRow, LegRow } from './delivery.ts';
import { deliveryActor, statusChangedEvent } from './delivery-events.ts';
import { appendLegEvents, findDeliveries } from './delivery-repository.ts';

/** Legs noted per round at most: one transaction, a bounded lock set. */
export const overdueBatch = 500;

/** Claims up to `limit` legs overdue at `now` and not yet noted, locking them; skips legs another sweeper holds. */
async function claimOverdue(q: Queryable, now: Date, limit: number): Promise<LegRow[]> {
  const { rows } = await q.query<LegRow>(
    `SELECT ${legColumns} FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE d.deadline < $1 AND l.overdue_since IS NULL AND l.status = ANY($2::text[])
     ORDER BY d.deadline, l.id LIMIT $3
     FOR UPDATE OF l SKIP LOCKED`,
    [now, unansweredStatuses, limit],
  );
  return rows;
}

async function markOverdue(q: Queryable, ids: readonly string[]): Promise<void> {
  await q.query(
    `UPDATE delivery_leg l SET overdue_since = d.deadline FROM delivery d
     WHERE d.id = l.delivery_id AND l.id = ANY($1::uuid[])`,
    [ids],
  );
}

/**
 * One round of the sweep at `now`: notes up to `limit` overdue legs in one transaction;
 * returns how many. Call again while it returns `limit`.
 */
export async function sweepOverdue(
  pool: Pool,
  topics: DeliveryTopics,
  now: Date,
  limit = overdueBatch,
): Promise<number> {
  return withTransaction(pool, async (client) => {
    const rows = await claimOverdue(client, now, limit);
    if (rows.length === 0) return 0;
    const deliveries = await findDeliveries(client, [...new Set(rows.map((r) => r.delivery_id))]);
    const legs = rows.map(toLeg);
    const events = legs.map((leg) => {
      const delivery = deliveries.get(leg.deliveryId)!;
      return {
        leg,
        deadline: delivery.deadline!,
        event: statusChangedEvent(topics, delivery, leg, undefined, delivery.deadline!),
      };
    });
    await markOverdue(
      client,
      legs.map((l) => l.id),
    );
    await appendLegEvents(
      client,
      events.map(({ leg, deadline, event }) => ({
        legId: leg.id,
        event: 'overdue',
        code: leg.status,
        at: deadline,
        by: deliveryActor,
        detail: { notedAt: now.toISOString() },
        eventId: event.envelope.id,
      })),
    );
    await enqueueEvents(
      client,
      events.map((e) => e.event),
    );
    return rows.length;
  });
}

/** Legs overdue now (noted, still unanswered), for the gauge. */
export async function countOverdue(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ n: string }>(
    `SELECT count(*) AS n FROM delivery_leg WHERE overdue_since IS NOT NULL AND status = ANY($1::text[])`,
    [unansweredStatuses],
  );
  return Number(rows[0]!.n);
}

/** Up to `limit` of `sender`'s deliveries with legs overdue now, the latest deadline first. */
export async function listOverdueDeliveries(q: Queryable, sender: string, limit: number): Promise<Delivery[]> {
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM delivery d
     WHERE d.sender = $1 AND EXISTS (SELECT 1 FROM delivery_leg l
       WHERE l.delivery_id = d.id AND l.overdue_since IS NOT NULL AND l.status = ANY($2::text[]))
     ORDER BY d.deadline DESC, d.id LIMIT $3`,
    [sender, unansweredStatuses, limit],
  );
  return rows.map(toDelivery);
}
