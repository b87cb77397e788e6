/**
 * The archive's audit log: append-only, one hash chain per office (libs/evidence
 * `auditEntryHash`), so that an office's archivist verifies their office's chain without
 * seeing another's. Appends are serialised per office by a transaction-level advisory lock,
 * so concurrent appends never fork a chain (and the primary key (office, seq) refuses a fork
 * should a caller append outside a transaction). A trigger refuses UPDATE, DELETE and
 * TRUNCATE; whoever owns the table can drop it, so the guarantee is the chain.
 */
import { auditEntryHash, canonicalJsonText, isEvidenceError, MAX_AUDIT_DETAIL_DEPTH } from '@lienthong/evidence';
import type { AuditEntry, AuditHead, JsonValue } from '@lienthong/evidence';
import { AppError } from '@lienthong/service';
import { archiveErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import { isAuditAction } from './audit-actions.ts';

/** What a caller appends: the office whose chain takes it, who did what, to which record. */
export interface AuditEntryInput {
  office: string;
  /** The principal's subject. */
  actor: string;
  /** One of `auditActions` (`record.read`, …). */
  action: string;
  /** The record (a UUID), if the action concerns one. */
  recordId?: string;
  /** A small JSON object (at most 4 KiB in canonical JSON, 8 levels). */
  detail?: Record<string, unknown>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidEntry = (detail: string): AppError => new AppError(archiveErrors.AUDIT_ENTRY_INVALID, { detail });

/**
 * Appends `entry` to its office's chain inside the caller's transaction (`client` = a pg
 * client in a transaction; it commits or rolls back with the caller's effect) and returns its
 * seq and hash. `now` is kept to the millisecond. Throws AppError 500 AUDIT_ENTRY_INVALID
 * for an entry not of the log's shapes (an action not in `auditActions`, a record id that is
 * not a UUID, a detail that is not small JSON): a fault of the calling code, not of a request.
 */
export async function appendAudit(
  client: Queryable,
  entry: AuditEntryInput,
  now: Date = new Date(),
): Promise<{ seq: number; hash: string }> {
  if (!isAuditAction(entry.action)) throw invalidEntry(`${JSON.stringify(entry.action)} is not an audit action`);
  if (entry.recordId !== undefined && !uuidPattern.test(entry.recordId)) throw invalidEntry('recordId is not a UUID');
  if (Number.isNaN(now.getTime())) throw invalidEntry('the time is not a time');
  const fail = (problem: string): never => {
    throw invalidEntry(problem);
  };
  // Kept as the canonical text that was hashed: jsonb would re-encode it.
  const detail = canonicalJsonText(entry.detail ?? {}, MAX_AUDIT_DETAIL_DEPTH, fail, 'detail');
  await client.query(
    `SELECT pg_advisory_xact_lock(hashtextextended('lienthong:audit:' || current_schema() || ':' || $1, 0))`,
    [entry.office],
  );
  // bigint arrives as text (pg's default for int8); never order by a text alias of it ('9' > '10').
  const last = await client.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_entry WHERE office = $1 ORDER BY seq DESC LIMIT 1',
    [entry.office],
  );
  const previous = last.rows[0];
  const fields = {
    office: entry.office,
    seq: previous === undefined ? 1 : Number(previous.seq) + 1,
    at: now.toISOString(),
    actor: entry.actor,
    action: entry.action,
    recordId: entry.recordId?.toLowerCase() ?? null,
    detail: JSON.parse(detail) as Record<string, JsonValue>,
    prevHash: previous?.hash ?? null,
  };
  let hash: string;
  try {
    hash = auditEntryHash(fields);
  } catch (e) {
    if (isEvidenceError(e)) throw invalidEntry(e.message);
    throw e;
  }
  await client.query(
    `INSERT INTO audit_entry (office, seq, at, actor, action, record_id, detail, prev_hash, hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [fields.office, fields.seq, now, fields.actor, fields.action, fields.recordId, detail, fields.prevHash, hash],
  );
  return { seq: fields.seq, hash };
}

interface AuditRow {
  office: string;
  seq: string;
  at: Date;
  actor: string;
  action: string;
  record_id: string | null;
  detail: string;
  prev_hash: string | null;
  hash: string;
}

const columns = 'office, seq, at, actor, action, record_id::text AS record_id, detail, prev_hash, hash';

const toEntry = (row: AuditRow): AuditEntry => ({
  office: row.office,
  seq: Number(row.seq),
  at: row.at.toISOString(),
  actor: row.actor,
  action: row.action,
  recordId: row.record_id,
  detail: JSON.parse(row.detail) as Record<string, JsonValue>,
  prevHash: row.prev_hash,
  hash: row.hash,
});

/** `office`'s entries after `after`, in seq order, at most `limit`; `more` when others follow. */
export async function readAudit(
  q: Queryable,
  office: string,
  after: number,
  limit: number,
): Promise<{ entries: AuditEntry[]; more: boolean }> {
  const result = await q.query<AuditRow>(
    `SELECT ${columns} FROM audit_entry WHERE office = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
    [office, after, limit + 1],
  );
  return { entries: result.rows.slice(0, limit).map(toEntry), more: result.rows.length > limit };
}

/** The last entry of `office`'s chain (seq, hash, time), or undefined while it has none. */
export async function readAuditHead(q: Queryable, office: string): Promise<(AuditHead & { at: string }) | undefined> {
  const result = await q.query<AuditRow>(
    `SELECT ${columns} FROM audit_entry WHERE office = $1 ORDER BY seq DESC LIMIT 1`,
    [office],
  );
  const row = result.rows[0];
  return row === undefined ? undefined : { seq: Number(row.seq), hash: row.hash, at: row.at.toISOString() };
}

/** `office`'s entries about record `recordId`, in seq order (an export's history of the record). */
export async function readAuditOfRecord(q: Queryable, office: string, recordId: string): Promise<AuditEntry[]> {
  const result = await q.query<AuditRow>(
    `SELECT ${columns} FROM audit_entry WHERE office = $1 AND record_id = $2 ORDER BY seq`,
    [office, recordId],
  );
  return result.rows.map(toEntry);
}
