/**
 * The SQL of the catalog (table `record`): writing a record idempotently by id, and one
 * search that is always kept to the offices a caller's office may see (`offices @> …`, in
 * the statement itself, never left to the caller).
 */
import type { Queryable } from '../queryable.ts';
import type { CatalogRecord, RecordFilters, RecordPosition, StoredRecord } from './catalog-record.ts';
import { foldText } from './fold.ts';

/** The token of the text search that stands for an office's scope (a folded subject never holds `@`). */
export function scopeToken(office: string): string {
  return `@${office}`;
}

/** `scope` as a tsquery of its one token, quoted (tsquery input syntax), whatever the office code holds. */
function scopeQuery(office: string): string {
  return `'${scopeToken(office).replace(/[\\']/g, '\\$&')}'`;
}

/**
 * The SQL of a record's `search_tsv` from the placeholders of its folded subject and of its
 * scope tokens (`text[]`): the subject's syllables, then one position-less token per office.
 */
export function searchVector(folded: string, scope: string): string {
  return `to_tsvector('simple', ${folded}) || array_to_tsvector(${scope}::text[])`;
}

/**
 * Writes `record` under its id: inserted when new, its fields replaced when they changed
 * (the same record again changes nothing). Returns what was done.
 */
export async function upsertRecord(q: Queryable, record: CatalogRecord): Promise<'inserted' | 'updated' | 'unchanged'> {
  const values = [
    record.id,
    record.kind,
    record.issuingOffice,
    record.receivingOffices,
    record.number,
    record.symbol,
    record.documentType,
    record.issuedDate,
    record.signer.name,
    record.signer.subject,
    foldText(record.signer.name),
    record.status,
    record.file,
    record.subject,
    foldText(record.subject),
    [record.issuingOffice, ...record.receivingOffices].map(scopeToken),
  ];
  const { rows } = await q.query<{ inserted: boolean }>(
    `INSERT INTO record AS r (id, kind, issuing_office, receiving_offices, number, symbol, document_type, issued_date,
       signer_name, signer_subject, signer_folded, status, file_code, subject, subject_folded, search_tsv)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ${searchVector('$15', '$16')})
     ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, issuing_office = EXCLUDED.issuing_office,
       receiving_offices = EXCLUDED.receiving_offices, number = EXCLUDED.number, symbol = EXCLUDED.symbol,
       document_type = EXCLUDED.document_type, issued_date = EXCLUDED.issued_date, signer_name = EXCLUDED.signer_name,
       signer_subject = EXCLUDED.signer_subject, signer_folded = EXCLUDED.signer_folded, status = EXCLUDED.status,
       file_code = EXCLUDED.file_code, subject = EXCLUDED.subject, subject_folded = EXCLUDED.subject_folded,
       search_tsv = EXCLUDED.search_tsv
     WHERE (r.kind, r.issuing_office, r.receiving_offices, r.number, r.symbol, r.document_type, r.issued_date,
       r.signer_name, r.signer_subject, r.status, r.file_code, r.subject)
       IS DISTINCT FROM (EXCLUDED.kind, EXCLUDED.issuing_office, EXCLUDED.receiving_offices, EXCLUDED.number,
       EXCLUDED.symbol, EXCLUDED.document_type, EXCLUDED.issued_date, EXCLUDED.signer_name, EXCLUDED.signer_subject,
       EXCLUDED.status, EXCLUDED.file_code, EXCLUDED.subject)
     RETURNING (xmax = 0) AS inserted`,
    values,
  );
  const row = rows[0];
  return row === undefined ? 'unchanged' : row.inserted ? 'inserted' : 'updated';
}

interface RecordRow {
  id: string;
  kind: 'issued' | 'received';
  issuing_office: string;
  receiving_offices: string[];
  number: number;
  symbol: string;
  document_type: string;
  issued_day: string;
  signer_name: string;
  signer_subject: string;
  status: string;
  file_code: string | null;
  subject: string;
  created_at: Date;
}

const columns = `r.id, r.kind, r.issuing_office, r.receiving_offices, r.number, r.symbol, r.document_type,
  to_char(r.issued_date, 'YYYY-MM-DD') AS issued_day, r.signer_name, r.signer_subject, r.status, r.file_code, r.subject,
  r.created_at`;

function toRecord(row: RecordRow): StoredRecord {
  return {
    id: row.id,
    kind: row.kind,
    issuingOffice: row.issuing_office,
    receivingOffices: row.receiving_offices,
    number: row.number,
    symbol: row.symbol,
    documentType: row.document_type,
    issuedDate: row.issued_day,
    signer: { name: row.signer_name, subject: row.signer_subject },
    status: row.status,
    file: row.file_code,
    subject: row.subject,
    createdAt: row.created_at,
  };
}

/** The record `id` if the office `scope` issued or received it; undefined otherwise (absent or another's). */
export async function findRecord(q: Queryable, scope: string, id: string): Promise<StoredRecord | undefined> {
  const { rows } = await q.query<RecordRow>(
    `SELECT ${columns} FROM record r WHERE r.id = $1 AND r.offices @> ARRAY[$2::text]`,
    [id, scope],
  );
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** A page of search results: the records, where the last one stands (for the next page), and whether more follow. */
export interface RecordPage {
  records: Array<StoredRecord & { rank: number | null }>;
  last: RecordPosition | undefined;
  more: boolean;
}

/**
 * The records the office `scope` issued or received that match `filters`: by relevance
 * (`ts_rank` over the folded subject, normalised by its length; then newest) when
 * `filters.q` is given, otherwise newest first; `limit` of them after `after`. The query
 * text is folded as subjects are and read by `websearch_to_tsquery('simple', …)`: every
 * syllable must occur, "quoted syllables" adjacent and in order (`<->`), `or` between words.
 */
export async function searchRecords(
  q: Queryable,
  scope: string,
  filters: RecordFilters,
  page: { limit: number; after?: RecordPosition },
): Promise<RecordPage> {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const offices = filters.office === undefined ? [scope] : [scope, filters.office];
  const text = filters.q === undefined ? undefined : `websearch_to_tsquery('simple', ${p(foldText(filters.q, '"'))})`;
  // With words, the scope is part of the same GIN lookup (the '@office' tokens); without, the array's GIN.
  const where =
    text === undefined
      ? [`offices @> ${p(offices)}::text[]`]
      : [`search_tsv @@ (${text} && ${offices.map((o) => `${p(scopeQuery(o))}::tsquery`).join(' && ')})`];
  if (filters.number !== undefined) where.push(`number = ${p(filters.number)}`);
  if (filters.symbol !== undefined) where.push(`symbol = ${p(filters.symbol)}`);
  if (filters.type !== undefined) where.push(`document_type = ${p(filters.type)}`);
  if (filters.from !== undefined) where.push(`issued_date >= ${p(filters.from)}::date`);
  if (filters.to !== undefined) where.push(`issued_date <= ${p(filters.to)}::date`);
  if (filters.signer !== undefined)
    where.push(`(signer_folded = ${p(foldText(filters.signer))} OR signer_subject = ${p(filters.signer)})`);
  if (filters.status !== undefined) where.push(`status = ${p(filters.status)}`);
  if (filters.file !== undefined) where.push(`file_code = ${p(filters.file)}`);
  // ts_rank, not ts_rank_cd: it also weighs how close the words are (pairwise distances) and costs a fifth.
  const rank = text === undefined ? 'NULL::real' : `ts_rank(search_tsv, ${text}, 1)`;
  const after = page.after;
  const keyset =
    after === undefined
      ? ''
      : after.by === 'rank'
        ? `WHERE (rank, issued_date, id) < (${p(after.rank)}::real, ${p(after.date)}::date, ${p(after.id)}::uuid)`
        : `WHERE (issued_date, id) < (${p(after.date)}::date, ${p(after.id)}::uuid)`;
  const order = text === undefined ? 'issued_date DESC, id DESC' : 'rank DESC, issued_date DESC, id DESC';
  const { rows } = await q.query<RecordRow & { rank: number | null; rank_text: string | null }>(
    // The page is chosen from (id, date, rank) alone; only its rows are read whole.
    `SELECT ${columns}, page.rank, page.rank::text AS rank_text FROM (
       SELECT id, issued_date, rank FROM (
         SELECT id, issued_date, ${rank} AS rank FROM record WHERE ${where.join(' AND ')}
       ) matched ${keyset}
       ORDER BY ${order} LIMIT ${p(page.limit + 1)}
     ) page JOIN record r ON r.id = page.id
     ORDER BY ${text === undefined ? '' : 'page.rank DESC, '}page.issued_date DESC, page.id DESC`,
    params,
  );
  const more = rows.length > page.limit;
  const shown = rows.slice(0, page.limit);
  const end = shown.at(-1);
  const last: RecordPosition | undefined =
    end === undefined
      ? undefined
      : end.rank_text === null
        ? { by: 'date', date: end.issued_day, id: end.id }
        : { by: 'rank', rank: end.rank_text, date: end.issued_day, id: end.id };
  return { records: shown.map((row) => ({ ...toRecord(row), rank: row.rank })), last, more };
}
