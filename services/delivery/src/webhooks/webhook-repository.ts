/**
 * SQL of `webhook` (one registration per office, secrets sealed) and `webhook_delivery`
 * (what is to be sent, written in the transaction of the change it tells; claimed by the
 * dispatcher with a lease, so a process that dies mid-request loses nothing).
 */
import type { Queryable } from '../queryable.ts';

/** An office's webhook as stored (secrets still sealed). */
export interface WebhookRow {
  office: string;
  url: string;
  events: string[];
  secret: Buffer;
  previous_secret: Buffer | null;
  previous_until: Date | null;
  enabled: boolean;
  disabled_reason: string | null;
  created_at: Date;
  updated_at: Date;
}

/** One webhook delivery. */
export interface WebhookDeliveryRow {
  id: string;
  office: string;
  type: string;
  occurred_at: Date;
  data: Record<string, unknown>;
  state: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  retry_since: Date;
  done_at: Date | null;
}

const deliveryColumns =
  'id, office, type, occurred_at, data, state, attempts, next_attempt_at, last_status, last_error, created_at, retry_since, done_at';

/** `office`'s webhook, optionally locked for an update. */
export async function findWebhook(q: Queryable, office: string, lock = false): Promise<WebhookRow | undefined> {
  const { rows } = await q.query<WebhookRow>(`SELECT * FROM webhook WHERE office = $1${lock ? ' FOR UPDATE' : ''}`, [
    office,
  ]);
  return rows[0];
}

/** Creates `office`'s webhook or changes its URL and events (enabling it again); returns it and whether it is new. */
export async function upsertWebhook(
  q: Queryable,
  row: { office: string; url: string; events: string[]; secret: Buffer; at: Date },
): Promise<{ row: WebhookRow; created: boolean }> {
  const { rows } = await q.query<WebhookRow & { created: boolean }>(
    `INSERT INTO webhook (office, url, events, secret, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
     ON CONFLICT (office) DO UPDATE SET url = $2, events = $3, enabled = true, disabled_reason = NULL, updated_at = $5
     RETURNING *, (xmax = 0) AS created`,
    [row.office, row.url, row.events, row.secret, row.at],
  );
  const { created, ...rest } = rows[0]!;
  return { row: rest, created };
}

/** Replaces `office`'s secret, keeping the one before valid until `previousUntil`. */
export async function rotateSecret(q: Queryable, office: string, secret: Buffer, at: Date, previousUntil: Date) {
  const { rows } = await q.query<WebhookRow>(
    `UPDATE webhook SET previous_secret = secret, previous_until = $4, secret = $2, updated_at = $3
     WHERE office = $1 RETURNING *`,
    [office, secret, at, previousUntil],
  );
  return rows[0];
}

/** Removes `office`'s webhook; what was still to be sent fails as unregistered. */
export async function deleteWebhook(q: Queryable, office: string, at: Date): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM webhook WHERE office = $1', [office]);
  await q.query(
    `UPDATE webhook_delivery SET state = 'failed', last_error = 'webhook removed', done_at = $2
     WHERE office = $1 AND state = 'pending'`,
    [office, at],
  );
  return rowCount === 1;
}

/** Turns `office`'s webhook off (the receiver answered 410 Gone). */
export async function disableWebhook(q: Queryable, office: string, reason: string, at: Date): Promise<void> {
  await q.query('UPDATE webhook SET enabled = false, disabled_reason = $2, updated_at = $3 WHERE office = $1', [
    office,
    reason,
    at,
  ]);
}

/** A webhook delivery to write: one per office that asked for `type`. */
export interface WebhookEvent {
  office: string;
  type: string;
  occurredAt: Date;
  data: Record<string, unknown>;
}

/**
 * Writes a webhook delivery for each of `events` whose office has an enabled webhook
 * wanting its type, due at once; one statement. Returns how many were written.
 */
export async function enqueueWebhookDeliveries(q: Queryable, events: readonly WebhookEvent[], at: Date) {
  if (events.length === 0) return 0;
  const { rowCount } = await q.query(
    `INSERT INTO webhook_delivery (id, office, type, occurred_at, data, state, next_attempt_at, created_at, retry_since)
     SELECT gen_random_uuid(), e.office, e.type, e.occurred_at, e.data, 'pending', $5, $5, $5
     FROM unnest($1::text[], $2::text[], $3::timestamptz[], $4::jsonb[]) AS e(office, type, occurred_at, data)
     JOIN webhook w ON w.office = e.office AND w.enabled AND e.type = ANY (w.events)`,
    [
      events.map((e) => e.office),
      events.map((e) => e.type),
      events.map((e) => e.occurredAt),
      events.map((e) => JSON.stringify(e.data)),
      at,
    ],
  );
  return rowCount ?? 0;
}

/**
 * Claims up to `limit` due deliveries of enabled webhooks, at most `perOffice` minus what
 * `busy` already has in flight per office: each gets one more attempt and is leased until
 * `leaseUntil` (a process that dies mid-request leaves it due again then).
 */
export async function claimDue(
  q: Queryable,
  now: Date,
  leaseUntil: Date,
  limit: number,
  perOffice: number,
  busy: ReadonlyMap<string, number>,
): Promise<WebhookDeliveryRow[]> {
  const { rows } = await q.query<WebhookDeliveryRow>(
    `WITH due AS (
       SELECT d.id, d.office, row_number() OVER (PARTITION BY d.office ORDER BY d.next_attempt_at, d.id) AS n
       FROM webhook_delivery d JOIN webhook w ON w.office = d.office AND w.enabled
       WHERE d.state = 'pending' AND d.next_attempt_at <= $1),
     chosen AS (
       SELECT due.id FROM due LEFT JOIN unnest($5::text[], $6::int[]) AS b(office, n) ON b.office = due.office
       WHERE due.n <= $4 - coalesce(b.n, 0) LIMIT $3)
     UPDATE webhook_delivery d SET attempts = d.attempts + 1, next_attempt_at = $2
     FROM chosen WHERE d.id = chosen.id AND d.state = 'pending' AND d.next_attempt_at <= $1
     RETURNING ${deliveryColumns.replace(/(\w+)/g, 'd.$1')}`,
    [now, leaseUntil, limit, perOffice, [...busy.keys()], [...busy.values()]],
  );
  return rows;
}

/** Records the outcome of an attempt: delivered, failed for good, or due again at `next`. */
export async function recordAttempt(
  q: Queryable,
  id: string,
  outcome: { state: 'pending' | 'delivered' | 'failed'; status: number | null; error: string | null; next?: Date },
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE webhook_delivery SET state = $2, last_status = $3, last_error = $4,
       next_attempt_at = coalesce($5, next_attempt_at), done_at = CASE WHEN $2 = 'pending' THEN NULL ELSE $6::timestamptz END
     WHERE id = $1`,
    [id, outcome.state, outcome.status, outcome.error, outcome.next ?? null, at],
  );
}

/** `office`'s webhook deliveries, newest first, optionally in one state. */
export async function listWebhookDeliveries(
  q: Queryable,
  office: string,
  state: string | undefined,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  const { rows } = await q.query<WebhookDeliveryRow>(
    `SELECT ${deliveryColumns} FROM webhook_delivery
     WHERE office = $1 AND ($2::text IS NULL OR state = $2) ORDER BY created_at DESC, id LIMIT $3`,
    [office, state ?? null, limit],
  );
  return rows;
}

/** Makes `office`'s delivery `id` due again at `at` with a fresh count of attempts; undefined when it has no such one. */
export async function redeliver(q: Queryable, office: string, id: string, at: Date) {
  const { rows } = await q.query<WebhookDeliveryRow>(
    `UPDATE webhook_delivery SET state = 'pending', attempts = 0, next_attempt_at = $3, retry_since = $3, done_at = NULL
     WHERE office = $1 AND id = $2 RETURNING ${deliveryColumns}`,
    [office, id, at],
  );
  return rows[0];
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The delivery (id, symbol, urgency) of each leg of `legIds` this service holds, by leg id. */
export async function deliveriesOfLegs(q: Queryable, legIds: readonly string[]) {
  const ids = legIds.filter((id) => uuidPattern.test(id));
  const { rows } = await q.query<{ leg: string; id: string; symbol: string; urgency: string }>(
    `SELECT l.id AS leg, d.id, d.symbol, d.urgency FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id
     WHERE l.id = ANY($1::uuid[])`,
    [ids],
  );
  return new Map(rows.map((r) => [r.leg, { id: r.id, symbol: r.symbol, urgency: r.urgency }]));
}

/** Those of `offices` whose enabled webhook asks for `type`. */
export async function officesListening(q: Queryable, offices: readonly string[], type: string): Promise<Set<string>> {
  const { rows } = await q.query<{ office: string }>(
    'SELECT office FROM webhook WHERE office = ANY($1::text[]) AND enabled AND $2 = ANY (events)',
    [offices, type],
  );
  return new Set(rows.map((r) => r.office));
}
