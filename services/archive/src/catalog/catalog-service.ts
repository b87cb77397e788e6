/**
 * The catalog as the routes serve it, with its access rule: a caller sees the records its
 * office issued or received, never another office's (such a record is 404, as if absent);
 * the office's systems, its registry (văn thư) and its archivists (lưu trữ) may search.
 */
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { archiveErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import type { RecordFilters, StoredRecord } from './catalog-record.ts';
import { findRecord, searchRecords } from './catalog-repository.ts';
import { foldText } from './fold.ts';
import { decodeCursor, encodeCursor, searchFingerprint } from './search-cursor.ts';

/** Who may read an office's catalog. */
export const catalogReaders = [roles.officeSystem, roles.registry, roles.archivist];

/** The longest text a search takes (`q`, in characters). */
export const maxQueryLength = 200;

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const controls = /[\u0000-\u001f\u007f-\u009f]/;

function invalid(detail: string): AppError {
  return new AppError(archiveErrors.CATALOG_SEARCH_INVALID, { detail });
}

/** `YYYY-MM-DD` that names a day of the calendar. */
export function isRealDate(text: string): boolean {
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** Checks what a schema cannot say; throws 400 CATALOG_SEARCH_INVALID naming the parameter. */
function checkFilters(filters: RecordFilters): void {
  for (const [name, value] of Object.entries(filters))
    if (typeof value === 'string' && controls.test(value)) throw invalid(`${name} holds a control character`);
  if (filters.q !== undefined) {
    if ([...filters.q].length > maxQueryLength) throw invalid(`q is longer than ${maxQueryLength} characters`);
    if (foldText(filters.q) === '') throw invalid('q has no letter or digit to search for');
  }
  for (const name of ['from', 'to'] as const) {
    const value = filters[name];
    if (value !== undefined && !isRealDate(value)) throw invalid(`${name} is not a date (YYYY-MM-DD)`);
  }
  if (filters.from !== undefined && filters.to !== undefined && filters.from > filters.to)
    throw invalid('from is after to');
}

/** A page of the caller's office's records matching `filters`, and the cursor of the next (null on the last). */
export async function searchCatalog(
  q: Queryable,
  principal: Principal,
  filters: RecordFilters,
  page: { limit: number; cursor?: string },
): Promise<{
  office: string;
  records: Array<StoredRecord & { rank: number | null }>;
  nextCursor: string | null;
  rankedWithin: number | null;
}> {
  requireRoleOf(principal, ...catalogReaders);
  checkFilters(filters);
  const fingerprint = searchFingerprint(principal.office, filters);
  const after = page.cursor === undefined ? undefined : decodeCursor(page.cursor, fingerprint, filters.q !== undefined);
  const result = await searchRecords(q, principal.office, filters, {
    limit: page.limit,
    ...(after === undefined ? {} : { after }),
  });
  return {
    office: principal.office,
    records: result.records,
    nextCursor: result.more && result.last !== undefined ? encodeCursor(fingerprint, result.last) : null,
    rankedWithin: result.rankedWithin,
  };
}

/** The record `id` if the caller's office issued or received it; 404 RECORD_NOT_FOUND otherwise. */
export async function catalogRecord(q: Queryable, principal: Principal, id: string): Promise<StoredRecord> {
  requireRoleOf(principal, ...catalogReaders);
  const record = uuidPattern.test(id) ? await findRecord(q, principal.office, id.toLowerCase()) : undefined;
  if (record === undefined) throw new AppError(archiveErrors.RECORD_NOT_FOUND);
  return record;
}
