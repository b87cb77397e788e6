/**
 * The cursor of search pages: where the last page ended and a fingerprint of the search it
 * belongs to, as an opaque base64url token. A cursor of another search, or anything this
 * service did not hand out, is refused with 400 CATALOG_CURSOR_INVALID.
 */
import { createHash } from 'node:crypto';
import { AppError } from '@lienthong/service';
import { archiveErrors } from '../errors.ts';
import type { RecordFilters, RecordPosition } from './catalog-record.ts';

/** A short digest of the search (its filters, in a fixed order), so a cursor serves that search only. */
export function searchFingerprint(scope: string, filters: RecordFilters): string {
  const keys = Object.keys(filters).sort() as Array<keyof RecordFilters>;
  const text = JSON.stringify([scope, ...keys.map((k) => [k, filters[k]])]);
  return createHash('sha256').update(text).digest('base64url').slice(0, 12);
}

/** The cursor of `position` in the search of `fingerprint`. */
export function encodeCursor(fingerprint: string, position: RecordPosition): string {
  const parts =
    position.by === 'rank'
      ? ['r', fingerprint, position.rank, position.date, position.id]
      : ['d', fingerprint, position.date, position.id];
  return Buffer.from(parts.join('|')).toString('base64url');
}

const date = '([0-9]{4}-[0-9]{2}-[0-9]{2})';
const uuid = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';
const byRank = new RegExp(`^r\\|([A-Za-z0-9_-]{12})\\|([0-9]+(?:\\.[0-9]+)?(?:e-?[0-9]+)?)\\|${date}\\|${uuid}$`);
const byDate = new RegExp(`^d\\|([A-Za-z0-9_-]{12})\\|${date}\\|${uuid}$`);

/** The position `cursor` names for the search of `fingerprint`; throws 400 CATALOG_CURSOR_INVALID otherwise. */
export function decodeCursor(cursor: string, fingerprint: string, ranked: boolean): RecordPosition {
  const text = /^[A-Za-z0-9_-]{1,200}$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('latin1') : '';
  const rank = ranked ? byRank.exec(text) : null;
  const plain = ranked ? null : byDate.exec(text);
  if (rank !== null && rank[1] === fingerprint) return { by: 'rank', rank: rank[2]!, date: rank[3]!, id: rank[4]! };
  if (plain !== null && plain[1] === fingerprint) return { by: 'date', date: plain[2]!, id: plain[3]! };
  throw new AppError(archiveErrors.CATALOG_CURSOR_INVALID);
}
