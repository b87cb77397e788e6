/**
 * The SQL of the registers: the counters (`register_series`), the entries
 * (`register_entry`) and the audit (`register_audit`). Each function runs one statement on
 * the caller's client; the numbering rules and the transaction are `numbering.ts`'s.
 */
import type { Queryable } from '../queryable.ts';
import {
  entryColumns,
  toEntry,
  type EntryRow,
  type EntryState,
  type RegisterEntry,
  type RegisterKind,
} from './register-entry.ts';

/** A series of one register of one office. */
export interface SeriesRef {
  office: string;
  register: RegisterKind;
  series: string;
  period: string;
}

/**
 * Throws unless `q` is inside a transaction block: numbering outside one would commit the
 * counter and the entry apart (a crash between them is a gap) and release its locks at
 * once. SAVEPOINT is refused outside a block (25P01), so one round trip tells.
 */
export async function assertInTransaction(q: Queryable): Promise<void> {
  try {
    await q.query('SAVEPOINT lienthong_numbering; RELEASE SAVEPOINT lienthong_numbering');
  } catch (error) {
    if ((error as { code?: unknown }).code !== '25P01') throw error;
    throw new Error('numbering runs inside the caller’s transaction: BEGIN first (withTransaction)', { cause: error });
  }
}

/**
 * Takes the next number of a series: creates its counter at 1, or adds one. The row stays
 * locked until the caller's transaction ends, so numbers are given one at a time per
 * series, and a transaction that rolls back gives its number back with it (no gap).
 */
export async function nextNumber(q: Queryable, ref: SeriesRef): Promise<number> {
  const { rows } = await q.query<{ last_number: number }>(
    `INSERT INTO register_series (office, register, series, period, last_number) VALUES ($1, $2, $3, $4, 1)
     ON CONFLICT (office, register, series, period) DO UPDATE SET last_number = register_series.last_number + 1
     RETURNING last_number`,
    [ref.office, ref.register, ref.series, ref.period],
  );
  return rows[0]!.last_number;
}

/**
 * Holds, until the caller's transaction ends, the lock on one document's numbering, so two
 * requests for the same document are answered one after the other: the second sees the
 * first's number (or, if the first rolled back, takes one itself).
 */
export async function lockDocument(
  q: Queryable,
  register: RegisterKind,
  office: string,
  documentId: string,
): Promise<void> {
  const scope = register === 'outgoing' ? 'outgoing' : `incoming:${office}`;
  await q.query(`SELECT pg_advisory_xact_lock(hashtextextended('lienthong:register:' || $1 || ':' || $2, 0))`, [
    scope,
    documentId,
  ]);
}

/** The entry of a document in a register (outgoing: whatever office; incoming: this office's), or undefined. */
export async function findEntryOfDocument(
  q: Queryable,
  register: RegisterKind,
  office: string,
  documentId: string,
): Promise<RegisterEntry | undefined> {
  const { rows } = await q.query<EntryRow>(
    `SELECT ${entryColumns} FROM register_entry
     WHERE register = $1 AND document_id = $2 AND ($1 = 'outgoing' OR office = $3)`,
    [register, documentId, office],
  );
  return rows[0] === undefined ? undefined : toEntry(rows[0]);
}

/** One entry by its number, or undefined. */
export async function findEntry(q: Queryable, ref: SeriesRef & { number: number }): Promise<RegisterEntry | undefined> {
  const { rows } = await q.query<EntryRow>(
    `SELECT ${entryColumns} FROM register_entry
     WHERE office = $1 AND register = $2 AND series = $3 AND period = $4 AND number = $5`,
    [ref.office, ref.register, ref.series, ref.period, ref.number],
  );
  return rows[0] === undefined ? undefined : toEntry(rows[0]);
}

/** What a new entry holds. */
export interface NewEntry extends SeriesRef {
  number: number;
  documentId: string;
  symbol: string;
  documentType: string;
  subject: string;
  date: Date;
  reservedBy: string;
}

/** Writes a reserved entry. */
export async function insertEntry(q: Queryable, e: NewEntry): Promise<RegisterEntry> {
  const { rows } = await q.query<EntryRow>(
    `INSERT INTO register_entry (office, register, series, period, number, document_id, symbol, document_type,
       subject, entry_date, state, reserved_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'reserved', $11)
     RETURNING ${entryColumns}`,
    [
      e.office,
      e.register,
      e.series,
      e.period,
      e.number,
      e.documentId,
      e.symbol,
      e.documentType,
      e.subject,
      e.date,
      e.reservedBy,
    ],
  );
  return toEntry(rows[0]!);
}

/** What the issue records of a document. */
export interface IssuedFacts {
  by: string;
  at: Date;
  signer: string | null;
  recipients: string | null;
  note: string | null;
}

/** Marks a document's reserved entry issued; undefined when it is not reserved (any more). */
export async function markIssued(
  q: Queryable,
  register: RegisterKind,
  office: string,
  documentId: string,
  facts: IssuedFacts,
): Promise<RegisterEntry | undefined> {
  const { rows } = await q.query<EntryRow>(
    `UPDATE register_entry SET state = 'issued', issued_by = $4, issued_at = $5, signer = $6, recipients = $7, note = $8
     WHERE register = $1 AND office = $2 AND document_id = $3 AND state = 'reserved'
     RETURNING ${entryColumns}`,
    [register, office, documentId, facts.by, facts.at, facts.signer, facts.recipients, facts.note],
  );
  return rows[0] === undefined ? undefined : toEntry(rows[0]);
}

/** Marks an entry cancelled (kept in the register); undefined when it is cancelled already or absent. */
export async function markCancelled(
  q: Queryable,
  ref: SeriesRef & { number: number },
  reason: string,
  by: string,
): Promise<RegisterEntry | undefined> {
  const { rows } = await q.query<EntryRow>(
    `UPDATE register_entry SET state = 'cancelled', cancellation_reason = $6, cancelled_by = $7, cancelled_at = now()
     WHERE office = $1 AND register = $2 AND series = $3 AND period = $4 AND number = $5 AND state <> 'cancelled'
     RETURNING ${entryColumns}`,
    [ref.office, ref.register, ref.series, ref.period, ref.number, reason, by],
  );
  return rows[0] === undefined ? undefined : toEntry(rows[0]);
}

/** One line of the audit. */
export interface AuditRecord {
  office: string;
  register: RegisterKind;
  action: 'reserved' | 'issued' | 'cancelled' | 'configured';
  actor: string;
  series?: string;
  period?: string;
  number?: number;
  documentId?: string;
  reason?: string;
  detail?: unknown;
}

/** Appends to the audit (the table refuses updates and deletes). */
export async function appendAudit(q: Queryable, a: AuditRecord): Promise<void> {
  await q.query(
    `INSERT INTO register_audit (office, register, action, actor, series, period, number, document_id, reason, detail)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      a.office,
      a.register,
      a.action,
      a.actor,
      a.series ?? null,
      a.period ?? null,
      a.number ?? null,
      a.documentId ?? null,
      a.reason ?? null,
      a.detail === undefined ? null : JSON.stringify(a.detail),
    ],
  );
}

/** A filter and page of a register. */
export interface EntryQuery {
  office: string;
  register: RegisterKind;
  series?: string;
  period?: string;
  state?: EntryState;
  limit: number;
  offset: number;
}

/** One page of a register by period, series and number, and whether more follow. */
export async function listEntries(
  q: Queryable,
  query: EntryQuery,
): Promise<{ entries: RegisterEntry[]; more: boolean }> {
  const { rows } = await q.query<EntryRow>(
    `SELECT ${entryColumns} FROM register_entry
     WHERE office = $1 AND register = $2 AND ($3::text IS NULL OR series = $3) AND ($4::text IS NULL OR period = $4)
       AND ($7::text IS NULL OR state = $7)
     ORDER BY period, series, number LIMIT $5 OFFSET $6`,
    [
      query.office,
      query.register,
      query.series ?? null,
      query.period ?? null,
      query.limit + 1,
      query.offset,
      query.state ?? null,
    ],
  );
  return { entries: rows.slice(0, query.limit).map(toEntry), more: rows.length > query.limit };
}
