/**
 * Which records one export takes (README "Export (BagIt)"): a record, a file (hồ sơ) or a
 * range of the documents' dates, among the records the caller's office issued or received
 * that have a package, oldest first; at most `maxBagRecords`.
 */
import { AppError } from '@lienthong/service';
import { isRealDate } from '../catalog/catalog-service.ts';
import { archiveErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';

/** The most records one bag holds; a selection of more is refused (narrow it). */
export const maxBagRecords = 10_000;

/** What an export asks for, as the query string has it. */
export interface BagQuery {
  record?: string;
  file?: string;
  from?: string;
  to?: string;
}

/** One selection, checked. */
export type BagSelection =
  { by: 'record'; record: string } | { by: 'file'; file: string } | { by: 'dates'; from: string; to: string };

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const controls = /[\u0000-\u001f\u007f-\u009f]/;

const invalid = (detail: string) => new AppError(archiveErrors.EXPORT_SELECTION_INVALID, { detail });

/** The one selection `query` makes; 400 EXPORT_SELECTION_INVALID for none, several or a malformed one. */
export function bagSelectionOf(query: BagQuery): BagSelection {
  const given = [query.record, query.file, query.from ?? query.to].filter((v) => v !== undefined).length;
  if (given !== 1) throw invalid('name exactly one of record=, file=, or from= with to=');
  if (query.record !== undefined) {
    if (!uuidPattern.test(query.record)) throw invalid('record is not a record id (a UUID)');
    return { by: 'record', record: query.record.toLowerCase() };
  }
  if (query.file !== undefined) {
    if (controls.test(query.file)) throw invalid('file holds a control character');
    return { by: 'file', file: query.file };
  }
  if (query.from === undefined || query.to === undefined) throw invalid('a range of dates needs both from= and to=');
  if (!isRealDate(query.from) || !isRealDate(query.to)) throw invalid('from and to are dates (YYYY-MM-DD)');
  if (query.from > query.to) throw invalid('from is after to');
  return { by: 'dates', from: query.from, to: query.to };
}

/** The ids of the records `selection` takes among `office`'s archived records, oldest first; 400 beyond the cap. */
export async function selectBagRecords(q: Queryable, office: string, selection: BagSelection): Promise<string[]> {
  const where =
    selection.by === 'record'
      ? { sql: 'r.id = $2', values: [selection.record] }
      : selection.by === 'file'
        ? { sql: 'r.file_code = $2', values: [selection.file] }
        : { sql: 'r.issued_date BETWEEN $2 AND $3', values: [selection.from, selection.to] };
  const { rows } = await q.query<{ id: string }>(
    `SELECT r.id::text AS id FROM record r JOIN package p ON p.record_id = r.id
     WHERE r.offices @> ARRAY[$1]::text[] AND ${where.sql}
     ORDER BY r.issued_date, r.id LIMIT ${maxBagRecords + 1}`,
    [office, ...where.values],
  );
  if (rows.length > maxBagRecords)
    throw invalid(`the selection holds more than ${maxBagRecords} records; narrow it (a shorter range of dates)`);
  return rows.map((r) => r.id);
}
