/**
 * The SQL of the catalog (table `record`): writing a record idempotently by id, and one
 * search that is always kept to the offices a caller's office may see (the `@office` token
 * in the statement's tsquery itself, never left to the caller).
 */
import type { Queryable } from '../queryable.ts';
import type { CatalogRecord, RecordFilters, RecordPosition, StoredRecord } from './catalog-record.ts';
import { foldText } from './fold.ts';

/** The token of the text search that stands for an office's scope (a folded subject never holds `@`). */
export function scopeToken(office: string): string {
  return `@${office}`;
}

/** The token that stands for a document type (`type:QĐ`; a folded subject never holds `:`). */
export function typeToken(type: string): string {
  return `type:${type}`;
}

/** The token that stands for a record's status (`status:recalled`). */
export function statusToken(status: string): string {
  return `status:${status}`;
}

/**
 * The tokens of a record's `search_tsv` besides its words: one per office that may see it, its
 * type and its status, so that the scope and those filters are part of the one GIN lookup.
 */
export function searchTokens(
  record: Pick<CatalogRecord, 'issuingOffice' | 'receivingOffices' | 'documentType' | 'status'>,
): string[] {
  return [
    ...[record.issuingOffice, ...record.receivingOffices].map(scopeToken),
    typeToken(record.documentType),
    statusToken(record.status),
  ];
}

/** `token` as a tsquery of that one token, quoted (tsquery input syntax), whatever it holds. */
function tokenQuery(token: string): string {
  return `'${token.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * The SQL of a record's `search_tsv` from the placeholders of its folded subject and of its
 * other tokens (`text[]`, searchTokens): the subject's syllables, then one position-less token each.
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
    searchTokens(record),
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
  /** When only the newest matches were ranked (RankBounds): how many were; null when every match was. */
  rankedWithin: number | null;
}

/** How a search with words bounds what it ranks (searchRecords). */
export interface RankBounds {
  /** The newest records (in the search's date range) looked through first. */
  lookThrough: number;
  /** When at least this many of them match, only their matches are ranked ... */
  rankAtLeast: number;
  /** ... the newest of them, at most this many. */
  rankWithin: number;
}

/**
 * The default bounds. A province office's "chi thi tang cuong" matches 67,000 of 1,000,000 records: ranking all of
 * them reads 48,000 pages of the table (200 ms); its newest 1,000 matches are among the newest 15,000 records,
 * read from the covering index in a few ms. A search with fewer than 200 matches among the newest 40,000 has
 * (if its matches are spread over the years like the rest) at most about 5,000 in 1,000,000, few enough to rank.
 */
export const defaultRankBounds: RankBounds = { lookThrough: 40_000, rankAtLeast: 200, rankWithin: 1000 };

/** One candidate of a page: its position and its rank. */
interface Candidate {
  id: string;
  issued_day: string;
  rank: number | null;
  rank_text: string | null;
}

/**
 * The records the office `scope` issued or received that match `filters`: by relevance
 * (`ts_rank` over the folded subject, normalised by its length; then newest) when
 * `filters.q` is given, otherwise newest first; `limit` of them after `after`. The query
 * text is folded as subjects are and read by `websearch_to_tsquery('simple', …)`: every
 * syllable must occur, "quoted syllables" adjacent and in order (`<->`), `or` between words.
 * A search with words looks through the newest `bounds.lookThrough` records (in its date
 * range) first: when at least `rankAtLeast` of them match, only those matches are ranked
 * (the newest `rankWithin` of them) and the page says how many (`rankedWithin`); every
 * other search ranks all its matches.
 */
export async function searchRecords(
  q: Queryable,
  scope: string,
  filters: RecordFilters,
  page: { limit: number; after?: RecordPosition },
  bounds: RankBounds = defaultRankBounds,
): Promise<RecordPage> {
  const params: unknown[] = [];
  const p = (value: unknown): string => {
    params.push(value);
    return `$${params.length}`;
  };
  const offices = filters.office === undefined ? [scope] : [scope, filters.office];
  const text = filters.q === undefined ? undefined : `websearch_to_tsquery('simple', ${p(foldText(filters.q, '"'))})`;
  // The scope, type and status are tokens of search_tsv, with or without words: one GIN lookup with the words,
  // and readable from the covering index (record_newest_words) when the newest records are walked.
  const tokens = [
    ...offices.map(scopeToken),
    ...(filters.type === undefined ? [] : [typeToken(filters.type)]),
    ...(filters.status === undefined ? [] : [statusToken(filters.status)]),
  ];
  const scoped = `(${[text, ...tokens.map((o) => `${p(tokenQuery(o))}::tsquery`)].filter((x) => x !== undefined).join(' && ')})`;
  const where = [`search_tsv @@ ${scoped}`];
  const dates: string[] = [];
  if (filters.from !== undefined) dates.push(`issued_date >= ${p(filters.from)}::date`);
  if (filters.to !== undefined) dates.push(`issued_date <= ${p(filters.to)}::date`);
  where.push(...dates);
  // What the covering index holds (date, id, search_tsv): a walk of the newest records reads nothing else.
  const walkable = [filters.number, filters.symbol, filters.signer, filters.file].every((f) => f === undefined);
  if (filters.number !== undefined) where.push(`number = ${p(filters.number)}`);
  if (filters.symbol !== undefined) where.push(`symbol = ${p(filters.symbol)}`);
  if (filters.signer !== undefined)
    where.push(`(signer_folded = ${p(foldText(filters.signer))} OR signer_subject = ${p(filters.signer)})`);
  if (filters.file !== undefined) where.push(`file_code = ${p(filters.file)}`);
  // ts_rank, not ts_rank_cd: it also weighs how close the words are (pairwise distances) and costs a fifth.
  const rank = text === undefined ? 'NULL::real' : `ts_rank(search_tsv, ${text}, 1)`;
  const select = `id, to_char(issued_date, 'YYYY-MM-DD') AS issued_day, rank, rank::text AS rank_text`;

  let candidates: Candidate[] | undefined;
  let rankedWithin: number | null = null;
  if (text !== undefined && walkable) {
    // The newest records first, from the covering index, until rankWithin of them match (or `count` were read).
    const n = params.length;
    const walk = async (count: number): Promise<Candidate[]> =>
      (
        await q.query<Candidate>(
          `SELECT ${select} FROM (
             SELECT id, issued_date, ${rank} AS rank FROM (
               SELECT id, issued_date, search_tsv FROM record
               ${dates.length === 0 ? '' : `WHERE ${dates.join(' AND ')}`}
               ORDER BY issued_date DESC, id DESC LIMIT $${n + 1}
             ) newest WHERE ${where.join(' AND ')}
             LIMIT $${n + 2}
           ) ranked`,
          [...params, count, bounds.rankWithin],
        )
      ).rows;
    // A first look at an eighth: a search far too narrow to reach rankAtLeast (a commune's, most of them) goes
    // to the GIN lookup without reading the rest.
    const probe = await walk(Math.ceil(bounds.lookThrough / 8));
    const walked =
      probe.length >= bounds.rankWithin || probe.length < bounds.rankAtLeast / 10
        ? probe
        : await walk(bounds.lookThrough);
    if (walked.length >= bounds.rankAtLeast) {
      candidates = walked;
      rankedWithin = walked.length;
    }
  }
  const after = page.after;
  if (candidates === undefined) {
    const keyset =
      after === undefined
        ? ''
        : after.by === 'rank'
          ? `WHERE (rank, issued_date, id) < (${p(after.rank)}::real, ${p(after.date)}::date, ${p(after.id)}::uuid)`
          : `WHERE (issued_date, id) < (${p(after.date)}::date, ${p(after.id)}::uuid)`;
    const order = text === undefined ? 'issued_date DESC, id DESC' : 'rank DESC, issued_date DESC, id DESC';
    candidates = (
      await q.query<Candidate>(
        `SELECT ${select} FROM (
           SELECT id, issued_date, rank FROM (
             SELECT id, issued_date, ${rank} AS rank FROM record WHERE ${where.join(' AND ')}
           ) matched ${keyset}
           ORDER BY ${order} LIMIT ${p(page.limit + 1)}
         ) page`,
        params,
      )
    ).rows;
  } else {
    candidates = pageOf(candidates, after, page.limit + 1);
  }
  const more = candidates.length > page.limit;
  const shown = candidates.slice(0, page.limit);
  const whole = await readRecords(
    q,
    shown.map((c) => c.id),
  );
  const end = shown.at(-1);
  const last: RecordPosition | undefined =
    end === undefined
      ? undefined
      : end.rank_text === null
        ? { by: 'date', date: end.issued_day, id: end.id }
        : { by: 'rank', rank: end.rank_text, date: end.issued_day, id: end.id };
  return {
    records: shown.map((c) => ({ ...whole.get(c.id)!, rank: c.rank })),
    last,
    more,
    rankedWithin,
  };
}

/** The candidates ranked (rank, then newest, then id; all descending) after `after`, `count` of them. */
function pageOf(candidates: Candidate[], after: RecordPosition | undefined, count: number): Candidate[] {
  const key = (c: Candidate): [number, string, string] => [c.rank ?? 0, c.issued_day, c.id];
  const before = (a: [number, string, string], b: [number, string, string]): boolean =>
    a[0] !== b[0] ? a[0] > b[0] : a[1] !== b[1] ? a[1] > b[1] : a[2] > b[2];
  const ordered = [...candidates].sort((a, b) => (before(key(a), key(b)) ? -1 : before(key(b), key(a)) ? 1 : 0));
  if (after === undefined || after.by !== 'rank') return ordered.slice(0, count);
  const mark: [number, string, string] = [Number(after.rank), after.date, after.id];
  return ordered.filter((c) => before(mark, key(c))).slice(0, count);
}

/** The whole rows of `ids`, by id. */
async function readRecords(q: Queryable, ids: string[]): Promise<Map<string, StoredRecord>> {
  if (ids.length === 0) return new Map();
  const { rows } = await q.query<RecordRow>(`SELECT ${columns} FROM record r WHERE r.id = ANY($1::uuid[])`, [ids]);
  return new Map(rows.map((row) => [row.id, toRecord(row)]));
}

/**
 * Sets record `id`'s status to `status` and its `status:` token in `search_tsv` with it (the
 * other fields kept), locking the row until the caller's transaction ends. Returns the
 * status before, or undefined when there is no such record.
 */
export async function setRecordStatus(q: Queryable, id: string, status: string): Promise<string | undefined> {
  const { rows } = await q.query<{ status: string }>('SELECT status FROM record WHERE id = $1 FOR UPDATE', [id]);
  const before = rows[0]?.status;
  if (before === undefined || before === status) return before;
  await q.query(
    `UPDATE record SET status = $2,
       search_tsv = ts_delete(search_tsv, $3::text) || array_to_tsvector(ARRAY[$4::text])
     WHERE id = $1`,
    [id, status, statusToken(before), statusToken(status)],
  );
  return before;
}
