/**
 * The SQL of retention and disposition (migration `0006_fixity_disposition`): the records due,
 * dispositions and their records, a package disposed of or held.
 */
import type { Queryable } from '../queryable.ts';

/** A record whose retention ended, as the due list shows it. */
export interface DueRecord {
  recordId: string;
  symbol: string;
  subject: string;
  issuedDate: string;
  retentionClass: string;
  retainUntil: Date;
  lockedUntil: Date;
}

/**
 * The records `office` issued whose class ended at `now`: not permanent, not under legal hold,
 * not disposed of, not in a disposition still open (proposed or approved); oldest end first.
 */
export async function dueRecords(q: Queryable, office: string, now: Date, limit: number): Promise<DueRecord[]> {
  const { rows } = await q.query<{
    record_id: string;
    symbol: string;
    subject: string;
    issued_date: string;
    retention_class: string;
    retain_until: Date;
    locked_until: Date;
  }>(
    `SELECT p.record_id::text AS record_id, r.symbol, r.subject, r.issued_date::text AS issued_date,
       p.retention_class, p.retain_until, p.locked_until
     FROM package p JOIN record r ON r.id = p.record_id
     WHERE r.issuing_office = $1 AND p.retain_until IS NOT NULL AND p.retain_until <= $2
       AND NOT p.legal_hold AND p.disposed_at IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM disposition_record dr JOIN disposition d ON d.id = dr.disposition_id
         WHERE dr.record_id = p.record_id AND d.state IN ('proposed', 'approved'))
     ORDER BY p.retain_until, p.record_id
     LIMIT $3`,
    [office, now, limit],
  );
  return rows.map((r) => ({
    recordId: r.record_id,
    symbol: r.symbol,
    subject: r.subject,
    issuedDate: r.issued_date,
    retentionClass: r.retention_class,
    retainUntil: r.retain_until,
    lockedUntil: r.locked_until,
  }));
}

/** Of `recordIds`, those `dueRecords` would list for `office` at `now` (locked against a concurrent proposal). */
export async function dueAmong(q: Queryable, office: string, recordIds: string[], now: Date): Promise<Set<string>> {
  // The packages are locked first, so two proposals of one record at once are one after the other.
  await q.query('SELECT 1 FROM package WHERE record_id = ANY($1::uuid[]) ORDER BY record_id FOR UPDATE', [recordIds]);
  const { rows } = await q.query<{ record_id: string }>(
    `SELECT p.record_id::text AS record_id
     FROM package p JOIN record r ON r.id = p.record_id
     WHERE p.record_id = ANY($2::uuid[]) AND r.issuing_office = $1 AND p.retain_until IS NOT NULL
       AND p.retain_until <= $3 AND NOT p.legal_hold AND p.disposed_at IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM disposition_record dr JOIN disposition d ON d.id = dr.disposition_id
         WHERE dr.record_id = p.record_id AND d.state IN ('proposed', 'approved'))`,
    [office, recordIds, now],
  );
  return new Set(rows.map((r) => r.record_id));
}

/** A disposition as kept. */
export interface Disposition {
  id: string;
  office: string;
  state: 'proposed' | 'approved' | 'rejected' | 'done';
  reason: string;
  proposedBy: string;
  proposedAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
  decisionReason: string | null;
  certificate: { key: string; versionId: string; sha256: string } | null;
  finishedAt: Date | null;
  records: Array<{ recordId: string; outcome: 'disposed' | 'refused' | null; detail: string | null }>;
}

/** Inserts a proposed disposition of `recordIds`. */
export async function insertDisposition(
  q: Queryable,
  d: Pick<Disposition, 'id' | 'office' | 'reason' | 'proposedBy' | 'proposedAt'>,
  recordIds: string[],
): Promise<void> {
  await q.query(
    `INSERT INTO disposition (id, office, state, reason, proposed_by, proposed_at) VALUES ($1, $2, 'proposed', $3, $4, $5)`,
    [d.id, d.office, d.reason, d.proposedBy, d.proposedAt],
  );
  await q.query('INSERT INTO disposition_record (disposition_id, record_id) SELECT $1, unnest($2::uuid[])', [
    d.id,
    recordIds,
  ]);
}

type DispositionRow = {
  id: string;
  office: string;
  state: Disposition['state'];
  reason: string;
  proposed_by: string;
  proposed_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  decision_reason: string | null;
  certificate_key: string | null;
  certificate_version_id: string | null;
  certificate_sha256: string | null;
  finished_at: Date | null;
};

const dispositionColumns = `d.id::text AS id, d.office, d.state, d.reason, d.proposed_by, d.proposed_at, d.decided_by,
  d.decided_at, d.decision_reason, d.certificate_key, d.certificate_version_id, d.certificate_sha256, d.finished_at`;

function dispositionOf(row: DispositionRow): Omit<Disposition, 'records'> {
  return {
    id: row.id,
    office: row.office,
    state: row.state,
    reason: row.reason,
    proposedBy: row.proposed_by,
    proposedAt: row.proposed_at,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    decisionReason: row.decision_reason,
    certificate:
      row.certificate_key === null
        ? null
        : { key: row.certificate_key, versionId: row.certificate_version_id!, sha256: row.certificate_sha256! },
    finishedAt: row.finished_at,
  };
}

/** Disposition `id` of `office` (locked with `forUpdate`), or undefined. */
export async function findDisposition(
  q: Queryable,
  office: string,
  id: string,
  forUpdate = false,
): Promise<Disposition | undefined> {
  const { rows } = await q.query<DispositionRow>(
    `SELECT ${dispositionColumns} FROM disposition d WHERE d.id = $1 AND d.office = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [id, office],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  const records = await q.query<{ record_id: string; outcome: 'disposed' | 'refused' | null; detail: string | null }>(
    `SELECT record_id::text AS record_id, outcome, detail FROM disposition_record WHERE disposition_id = $1
     ORDER BY record_id`,
    [id],
  );
  return {
    ...dispositionOf(row),
    records: records.rows.map((r) => ({ recordId: r.record_id, outcome: r.outcome, detail: r.detail })),
  };
}

/** A disposition as listed: what it is, and how many records it names rather than each of them. */
export type DispositionSummary = Omit<Disposition, 'records'> & { recordCount: number };

/** Where a page of dispositions ended: the last one's proposal time and id (newest first). */
export interface DispositionPosition {
  proposedAt: Date;
  id: string;
}

/**
 * The dispositions of `office`, newest proposal first, in `states` (all when empty), after
 * `after` (the previous page's last one); `limit` of them and whether more follow.
 */
export async function listDispositions(
  q: Queryable,
  office: string,
  options: { states: Disposition['state'][]; limit: number; after?: DispositionPosition },
): Promise<{ dispositions: DispositionSummary[]; more: boolean }> {
  const { rows } = await q.query<DispositionRow & { record_count: string }>(
    `SELECT ${dispositionColumns},
       (SELECT count(*) FROM disposition_record dr WHERE dr.disposition_id = d.id) AS record_count
     FROM disposition d
     WHERE d.office = $1 AND (cardinality($2::text[]) = 0 OR d.state = ANY($2::text[]))
       AND ($3::timestamptz IS NULL OR (d.proposed_at, d.id) < ($3::timestamptz, $4::uuid))
     ORDER BY d.proposed_at DESC, d.id DESC
     LIMIT $5`,
    [office, options.states, options.after?.proposedAt ?? null, options.after?.id ?? null, options.limit + 1],
  );
  return {
    dispositions: rows
      .slice(0, options.limit)
      .map((row) => ({ ...dispositionOf(row), recordCount: Number(row.record_count) })),
    more: rows.length > options.limit,
  };
}

/** Records the decision on disposition `id`. */
export async function decideDisposition(
  q: Queryable,
  id: string,
  state: 'approved' | 'rejected',
  by: string,
  at: Date,
  reason: string | null,
): Promise<void> {
  await q.query(
    'UPDATE disposition SET state = $2, decided_by = $3, decided_at = $4, decision_reason = $5 WHERE id = $1',
    [id, state, by, at, reason],
  );
}

/** Records what became of `recordId` in disposition `id`; with `disposed`, the package is marked disposed at `at`. */
export async function recordOutcome(
  q: Queryable,
  id: string,
  recordId: string,
  outcome: 'disposed' | 'refused',
  detail: string | null,
  at: Date,
): Promise<void> {
  await q.query(
    'UPDATE disposition_record SET outcome = $3, detail = $4 WHERE disposition_id = $1 AND record_id = $2',
    [id, recordId, outcome, detail],
  );
  if (outcome === 'disposed')
    await q.query('UPDATE package SET disposed_at = $2 WHERE record_id = $1 AND disposed_at IS NULL', [recordId, at]);
}

/** Marks disposition `id` done with its certificate. */
export async function finishDisposition(
  q: Queryable,
  id: string,
  certificate: { key: string; versionId: string; sha256: string },
  at: Date,
): Promise<void> {
  await q.query(
    `UPDATE disposition SET state = 'done', certificate_key = $2, certificate_version_id = $3, certificate_sha256 = $4,
       finished_at = $5 WHERE id = $1`,
    [id, certificate.key, certificate.versionId, certificate.sha256, at],
  );
}

/**
 * Sets the DB side of a legal hold on `recordId` (`reason` null on release) and, with `until`,
 * the package's lock to at least that date (never earlier: the store's COMPLIANCE retention
 * cannot be shortened); returns the package's `locked_until` afterwards.
 */
export async function setHold(
  q: Queryable,
  recordId: string,
  on: boolean,
  reason: string | null,
  until?: Date,
): Promise<Date> {
  const { rows } = await q.query<{ locked_until: Date }>(
    `UPDATE package SET legal_hold = $2, hold_reason = $3, locked_until = GREATEST(locked_until, COALESCE($4, locked_until))
     WHERE record_id = $1 RETURNING locked_until`,
    [recordId, on, reason, until ?? null],
  );
  return rows[0]!.locked_until;
}

/**
 * Up to `limit` records under legal hold (not disposed of) whose store lock ends before `before`,
 * the soonest first: those whose retention is to be extended again.
 */
export async function heldLocksEndingBefore(q: Queryable, before: Date, limit: number): Promise<string[]> {
  const { rows } = await q.query<{ record_id: string }>(
    `SELECT record_id::text AS record_id FROM package
     WHERE legal_hold AND disposed_at IS NULL AND locked_until < $1
     ORDER BY locked_until, record_id LIMIT $2`,
    [before, limit],
  );
  return rows.map((r) => r.record_id);
}

/** How many records under legal hold (not disposed of) have a store lock that ends before `before`. */
export async function countHeldLocksEndingBefore(q: Queryable, before: Date): Promise<number> {
  const { rows } = await q.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM package WHERE legal_hold AND disposed_at IS NULL AND locked_until < $1',
    [before],
  );
  return rows[0]?.n ?? 0;
}

/** Records that the store now keeps `recordId`'s versions locked until at least `until`; returns `locked_until`. */
export async function extendLock(q: Queryable, recordId: string, until: Date): Promise<Date> {
  const { rows } = await q.query<{ locked_until: Date }>(
    'UPDATE package SET locked_until = GREATEST(locked_until, $2) WHERE record_id = $1 RETURNING locked_until',
    [recordId, until],
  );
  return rows[0]!.locked_until;
}
