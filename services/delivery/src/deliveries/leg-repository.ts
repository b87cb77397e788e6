/**
 * SQL of legs as inbox entries: consignment, the inbox pages (urgent first, then newest),
 * what a stream has not seen yet, the hand-over, status changes and the history.
 */
import type { Queryable } from '../queryable.ts';
import { deliveryColumns, legColumns, toDelivery, toLeg } from './delivery.ts';
import type { Delivery, DeliveryRow, Leg, LegEvent, LegRow } from './delivery.ts';

/** A leg with its delivery: one entry of a recipient's inbox. */
export interface InboxEntry {
  leg: Leg;
  delivery: Delivery;
}

/** Where a page of an inbox continues: after this priority and consignment order. */
export interface InboxPosition {
  priority: number;
  seq: number;
}

/** What an inbox page may be narrowed to. */
export interface InboxFilter {
  status?: string;
  urgency?: string;
  /** Consigned at or after this instant. */
  since?: Date;
}

/** The deliveries of `legs`, joined to them in their order. */
async function withDeliveries(q: Queryable, legs: Leg[]): Promise<InboxEntry[]> {
  if (legs.length === 0) return [];
  const ids = [...new Set(legs.map((l) => l.deliveryId))];
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM delivery d WHERE d.id = ANY($1::uuid[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, toDelivery(r)]));
  return legs.map((leg) => ({ leg, delivery: byId.get(leg.deliveryId)! }));
}

/**
 * Takes the lock under which inbox orders are given, until the transaction ends. Orders
 * must become visible in the order they are given: a stream that has sent order n never
 * looks below n again. A consignment (or a recall) holds this lock from taking its orders
 * until it commits, so another one (the urgent consumer's, another process's) cannot commit
 * a higher order meanwhile.
 */
export async function lockInboxOrder(q: Queryable): Promise<void> {
  await q.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('lienthong:delivery:inbox-seq:' || current_schema(), 0))`,
  );
}

/**
 * Puts the legs into their recipients' inboxes (status 01; 13 for a leg whose document was
 * recalled before it arrived) at `at`, in one statement, giving
 * them consignment orders that follow the order of `legs` (each pair of leg and recipient
 * once); returns those that were waiting (known for that recipient, not consigned yet), in
 * that order.
 */
export async function consignLegs(
  q: Queryable,
  legs: ReadonlyArray<{ id: string; recipient: string }>,
  at: Date,
): Promise<Leg[]> {
  if (legs.length === 0) return [];
  await lockInboxOrder(q);
  const { rows } = await q.query<LegRow>(
    `WITH s AS MATERIALIZED (SELECT nextval('inbox_seq') AS seq FROM generate_series(1, cardinality($1::uuid[]))),
          r AS (SELECT seq, row_number() OVER (ORDER BY seq) AS n FROM s),
          u AS (SELECT * FROM unnest($1::uuid[], $2::text[]) WITH ORDINALITY AS u(id, recipient, n))
     UPDATE delivery_leg l SET status = coalesce(l.status, '01'), status_at = $3, consigned_at = $3, inbox_seq = r.seq
     FROM u JOIN r ON r.n = u.n
     WHERE l.id = u.id AND l.recipient = u.recipient AND l.inbox_seq IS NULL AND (l.status IS NULL OR l.status = '13')
     RETURNING ${legColumns}`,
    [legs.map((l) => l.id), legs.map((l) => l.recipient), at],
  );
  return rows.map(toLeg).sort((a, b) => (a.inboxSeq ?? 0) - (b.inboxSeq ?? 0));
}

/** The entry `legId` of `recipient`'s inbox (consigned legs only), optionally locked for an update. */
export async function findInboxEntry(
  q: Queryable,
  recipient: string,
  legId: string,
  lock = false,
): Promise<InboxEntry | undefined> {
  const { rows } = await q.query<LegRow>(
    `SELECT ${legColumns} FROM delivery_leg l
     WHERE l.id = $1 AND l.recipient = $2 AND l.inbox_seq IS NOT NULL${lock ? ' FOR UPDATE' : ''}`,
    [legId, recipient],
  );
  return (await withDeliveries(q, rows.map(toLeg)))[0];
}

/** A page of `recipient`'s inbox, urgent first then newest, after `position`; a recall accepted (15) only when asked for by status. */
export async function listInbox(
  q: Queryable,
  recipient: string,
  filter: InboxFilter,
  page: { after?: InboxPosition; limit: number },
): Promise<{ entries: InboxEntry[]; more: boolean }> {
  const { rows } = await q.query<LegRow>(
    `SELECT ${legColumns} FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE l.recipient = $1 AND l.inbox_seq IS NOT NULL
       AND (l.status = $2 OR $2::text IS NULL AND l.status <> '15')
       AND ($3::text IS NULL OR d.urgency = $3)
       AND ($4::timestamptz IS NULL OR l.consigned_at >= $4)
       AND ($5::int IS NULL OR (l.priority, l.inbox_seq) < ($5::int, $6::bigint))
     ORDER BY l.priority DESC, l.inbox_seq DESC
     LIMIT $7`,
    [
      recipient,
      filter.status ?? null,
      filter.urgency ?? null,
      filter.since ?? null,
      page.after?.priority ?? null,
      page.after?.seq ?? null,
      page.limit + 1,
    ],
  );
  const entries = await withDeliveries(q, rows.slice(0, page.limit).map(toLeg));
  return { entries, more: rows.length > page.limit };
}

/** `recipient`'s entries consigned after `seq`, oldest first (what a stream has not sent yet). */
export async function inboxAfter(q: Queryable, recipient: string, seq: number, limit: number): Promise<InboxEntry[]> {
  const { rows } = await q.query<LegRow>(
    `SELECT ${legColumns} FROM delivery_leg l
     WHERE l.recipient = $1 AND l.inbox_seq > $2 ORDER BY l.inbox_seq LIMIT $3`,
    [recipient, seq, limit],
  );
  return withDeliveries(q, rows.map(toLeg));
}

/** The latest consignment order given (0 before the first). */
export async function latestInboxSeq(q: Queryable): Promise<number> {
  const { rows } = await q.query<{ seq: string | null }>('SELECT max(inbox_seq) AS seq FROM delivery_leg');
  return Number(rows[0]?.seq ?? 0);
}

/** The latest consignment order of `recipient`'s inbox (0 when empty). */
export async function latestInboxSeqOf(q: Queryable, recipient: string): Promise<number> {
  const { rows } = await q.query<{ seq: string | null }>(
    'SELECT max(inbox_seq) AS seq FROM delivery_leg WHERE recipient = $1',
    [recipient],
  );
  return Number(rows[0]?.seq ?? 0);
}

/** Records the first complete fetch of leg `id` at `at`; false when it was handed over before. */
export async function markHandedOver(q: Queryable, id: string, at: Date): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE delivery_leg SET handed_over_at = $2 WHERE id = $1 AND handed_over_at IS NULL',
    [id, at],
  );
  return rowCount === 1;
}

/** What a status change writes besides the code. */
export interface StatusChange {
  status: string;
  at: Date;
  /** Set for an answer (accepted, refused): the time of the answer. */
  answered?: boolean;
  incoming?: { number: number; period: string };
  refusalReason?: string;
  /** A remark on a processing status (kept in the history, not on the leg). */
  reason?: string;
}

/**
 * Moves leg `id` to `change.status` if it stands at one of `from` (after a recall refused,
 * 16, if it stood at one of them when the recall was asked); undefined when it does not.
 */
export async function changeLegStatus(
  q: Queryable,
  id: string,
  from: readonly string[],
  change: StatusChange,
): Promise<Leg | undefined> {
  const { rows } = await q.query<LegRow>(
    `UPDATE delivery_leg l SET status = $3, status_at = $4,
       answered_at = CASE WHEN $5::boolean THEN $4 ELSE l.answered_at END,
       incoming_number = coalesce($6, l.incoming_number), incoming_period = coalesce($7, l.incoming_period),
       refusal_reason = coalesce($8, l.refusal_reason)
     WHERE l.id = $1
       AND CASE WHEN l.status = '16' THEN coalesce(l.status_before_recall, '01') ELSE l.status END = ANY($2::text[])
     RETURNING ${legColumns}`,
    [
      id,
      from,
      change.status,
      change.at,
      change.answered ?? false,
      change.incoming?.number ?? null,
      change.incoming?.period ?? null,
      change.refusalReason ?? null,
    ],
  );
  return rows[0] === undefined ? undefined : toLeg(rows[0]);
}

/** The history of leg `id`, in order. */
export async function legHistory(q: Queryable, id: string): Promise<LegEvent[]> {
  const { rows } = await q.query<{
    id: string;
    event: string;
    code: string | null;
    at: Date;
    by: string;
    reason: string | null;
    detail: Record<string, unknown> | null;
    event_id: string | null;
  }>('SELECT id, event, code, at, by, reason, detail, event_id FROM leg_event WHERE leg_id = $1 ORDER BY id', [id]);
  return rows.map((r) => ({
    id: Number(r.id),
    event: r.event,
    code: r.code,
    at: r.at,
    by: r.by,
    reason: r.reason,
    detail: r.detail,
    eventId: r.event_id,
  }));
}
