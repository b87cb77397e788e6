/**
 * SQL of deliveries and their legs: the fan-out's batched inserts (one statement for all
 * legs, however many: arrays and `unnest`, not a round trip per recipient) and the reads.
 */
import { evidencedActsValues } from './evidenced-acts.ts';
import type { Queryable } from '../queryable.ts';
import { deliveryColumns, legColumns, toDelivery, toLeg, unansweredStatuses } from './delivery.ts';
import type { Delivery, DeliveryRow, Leg, LegRow } from './delivery.ts';

/** Stores a new delivery, and in the same statement the evidence of its submission (the sender's act, at its creation). */
export async function insertDelivery(q: Queryable, d: Delivery, issuedEventId: string): Promise<void> {
  await q.query(
    `WITH d AS (
       INSERT INTO delivery (id, document_id, sender, symbol, document_type, subject, urgency, priority, secrecy,
         deadline, issued_at, file_sha256, file_byte_length, file_media_type, file_bucket, file_key, file_version_id,
         issued_event_id, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
       RETURNING id, sender, created_at)
     INSERT INTO evidence (id, delivery_id, recipient_office, seq, event, acting_office, time, fields)
     SELECT gen_random_uuid(), d.id, NULL, 0, 'SubmissionAcceptance', d.sender, d.created_at, '{}' FROM d`,
    [
      d.id,
      d.documentId,
      d.sender,
      d.symbol,
      d.documentType,
      d.subject,
      d.urgency,
      d.priority,
      d.secrecy,
      d.deadline,
      d.issuedAt,
      d.file.sha256,
      d.file.byteLength,
      d.file.mediaType,
      d.file.bucket,
      d.file.key,
      d.file.versionId,
      issuedEventId,
      d.createdAt,
    ],
  );
}

/** Stores the legs of `delivery`, all sent at `at`, in one statement. */
export async function insertLegs(
  q: Queryable,
  delivery: Pick<Delivery, 'id' | 'priority'>,
  legs: ReadonlyArray<{ id: string; recipient: string }>,
  at: Date,
): Promise<void> {
  await q.query(
    `INSERT INTO delivery_leg (id, delivery_id, recipient, priority, status, status_at, sent_at)
     SELECT u.id, $3, u.recipient, $4, NULL, $5, $5 FROM unnest($1::uuid[], $2::text[]) AS u(id, recipient)`,
    [legs.map((l) => l.id), legs.map((l) => l.recipient), delivery.id, delivery.priority, at],
  );
}

/** A leg event to append. */
export interface NewLegEvent {
  legId: string;
  event: string;
  code: string | null;
  at: Date;
  by: string;
  reason?: string | null;
  detail?: Record<string, unknown> | null;
  eventId?: string | null;
}

/**
 * Appends leg events, in one statement, and with them the evidence row of each evidenced
 * act (evidenced-acts.ts): the acting office, the time and the fields of its statement
 * come from the leg and its delivery as registered (the reason is the one the act recorded;
 * an expiry's time is when the sweep noted it, its deadline the event's `at`).
 */
export async function appendLegEvents(q: Queryable, events: readonly NewLegEvent[]): Promise<void> {
  if (events.length === 0) return;
  await q.query(
    `WITH e AS (
       INSERT INTO leg_event (leg_id, event, code, at, by, reason, detail, event_id)
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::timestamptz[], $5::text[], $6::text[], $7::jsonb[], $8::uuid[])
       RETURNING id, leg_id, event, at, reason, detail)
     INSERT INTO evidence (id, delivery_id, recipient_office, seq, event, acting_office, time, fields, leg_event_id)
     SELECT gen_random_uuid(), l.delivery_id, l.recipient, e.id, m.evidence,
       CASE m.acting WHEN 'sender' THEN d.sender ELSE l.recipient END,
       CASE WHEN m.evidence = 'AcceptanceRejectionExpiry' THEN coalesce((e.detail->>'notedAt')::timestamptz, e.at) ELSE e.at END,
       jsonb_strip_nulls(jsonb_build_object(
         'reason', CASE WHEN m.reason THEN e.reason END,
         'incomingNumber', CASE WHEN m.evidence = 'AcceptanceByRecipient' THEN l.incoming_number::text END,
         'deadline', CASE WHEN m.evidence = 'AcceptanceRejectionExpiry' THEN to_jsonb(e.at) END)),
       e.id
     FROM e JOIN (VALUES ${evidencedActsValues}) AS m(leg_event, evidence, acting, reason) ON m.leg_event = e.event
       JOIN delivery_leg l ON l.id = e.leg_id JOIN delivery d ON d.id = l.delivery_id`,
    [
      events.map((e) => e.legId),
      events.map((e) => e.event),
      events.map((e) => e.code),
      events.map((e) => e.at),
      events.map((e) => e.by),
      events.map((e) => e.reason ?? null),
      events.map((e) => (e.detail == null ? null : JSON.stringify(e.detail))),
      events.map((e) => e.eventId ?? null),
    ],
  );
}

/** The delivery of `documentId`, if any. */
export async function findDeliveryOfDocument(q: Queryable, documentId: string): Promise<Delivery | undefined> {
  const { rows } = await q.query<DeliveryRow>(`SELECT ${deliveryColumns} FROM delivery d WHERE d.document_id = $1`, [
    documentId,
  ]);
  return rows[0] === undefined ? undefined : toDelivery(rows[0]);
}

/** The delivery `id` sent by `sender`, if any. */
export async function findSentDelivery(q: Queryable, sender: string, id: string): Promise<Delivery | undefined> {
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM delivery d WHERE d.id = $1 AND d.sender = $2`,
    [id, sender],
  );
  return rows[0] === undefined ? undefined : toDelivery(rows[0]);
}

/** The deliveries of `ids` (each once), by id. */
export async function findDeliveries(q: Queryable, ids: readonly string[]): Promise<Map<string, Delivery>> {
  const { rows } = await q.query<DeliveryRow>(
    `SELECT ${deliveryColumns} FROM delivery d WHERE d.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, toDelivery(r)]));
}

/** A page of the legs of delivery `id`, by recipient code after `after`; with `overdue` only those noted overdue and still unanswered. */
export async function listLegs(
  q: Queryable,
  deliveryId: string,
  page: { after?: string; limit: number; overdue?: boolean },
): Promise<{ legs: Leg[]; more: boolean }> {
  const { rows } = await q.query<LegRow>(
    `SELECT ${legColumns} FROM delivery_leg l
     WHERE l.delivery_id = $1 AND ($2::text IS NULL OR l.recipient > $2)
       AND (NOT $4::boolean OR l.overdue_since IS NOT NULL AND l.status = ANY($5::text[]))
     ORDER BY l.recipient LIMIT $3`,
    [deliveryId, page.after ?? null, page.limit + 1, page.overdue ?? false, unansweredStatuses],
  );
  return { legs: rows.slice(0, page.limit).map(toLeg), more: rows.length > page.limit };
}

/** How many legs of delivery `id` stand at each status ('sent' for those not yet in an inbox), and how many are overdue at `now`. */
export async function countLegs(
  q: Queryable,
  deliveryId: string,
  now: Date,
): Promise<{ byStatus: Record<string, number>; overdue: number; total: number }> {
  const { rows } = await q.query<{ status: string | null; n: string; overdue: string }>(
    `SELECT l.status, count(*) AS n,
       count(*) FILTER (WHERE d.deadline < $2 AND (l.status IS NULL OR l.status = '01')) AS overdue
     FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE l.delivery_id = $1 GROUP BY l.status`,
    [deliveryId, now],
  );
  const byStatus: Record<string, number> = {};
  let overdue = 0;
  let total = 0;
  for (const r of rows) {
    byStatus[r.status ?? 'sent'] = Number(r.n);
    overdue += Number(r.overdue);
    total += Number(r.n);
  }
  return { byStatus, overdue, total };
}
