/** The `office` table: the org tree. Writes are multi-row (unnest), one statement for any number of offices. */
import type { OfficeLevelId } from '@lienthong/records';
import type { Queryable } from '../queryable.ts';
import type { OfficeEntry } from './directory-document.ts';
import type { StoredOffice } from './directory-snapshot.ts';

interface OfficeRow {
  code: string;
  legal_name: string;
  abbreviation: string;
  level: OfficeLevelId;
  parent_code: string | null;
  seal_key: string | null;
  unit: string | null;
  locality: string | null;
  active: boolean;
  revision: number;
  updated_at: Date;
}

const columns =
  'code, legal_name, abbreviation, level, parent_code, seal_key, unit, locality, active, revision, updated_at';

const toOffice = (r: OfficeRow): StoredOffice => ({
  code: r.code,
  name: r.legal_name,
  abbreviation: r.abbreviation,
  level: r.level,
  parent: r.parent_code,
  sealKey: r.seal_key,
  unit: r.unit,
  locality: r.locality,
  active: r.active,
  revision: r.revision,
  updatedAt: r.updated_at,
});

/** Every office, by code. */
export async function loadOffices(q: Queryable): Promise<Map<string, StoredOffice>> {
  const { rows } = await q.query<OfficeRow>(`SELECT ${columns} FROM office`);
  return new Map(rows.map((r) => [r.code, toOffice(r)]));
}

/** Inserts or replaces `offices`, each with its new revision. */
export async function upsertOffices(
  q: Queryable,
  offices: readonly (OfficeEntry & { revision: number })[],
): Promise<void> {
  if (offices.length === 0) return;
  await q.query(
    `INSERT INTO office (code, legal_name, abbreviation, level, parent_code, seal_key, active, revision, unit, locality, updated_at)
     SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::int[], $9::text[], $10::text[]) AS u
     ON CONFLICT (code) DO UPDATE SET legal_name = excluded.legal_name, abbreviation = excluded.abbreviation,
       level = excluded.level, parent_code = excluded.parent_code, seal_key = excluded.seal_key,
       active = excluded.active, revision = excluded.revision, unit = excluded.unit, locality = excluded.locality,
       updated_at = now()`,
    [
      offices.map((o) => o.code),
      offices.map((o) => o.name),
      offices.map((o) => o.abbreviation),
      offices.map((o) => o.level),
      offices.map((o) => o.parent),
      offices.map((o) => o.sealKey),
      offices.map((o) => o.active),
      offices.map((o) => o.revision),
      offices.map((o) => o.unit),
      offices.map((o) => o.locality),
    ],
  );
}

/** Sets the revision of offices whose people changed. */
export async function reviseOffices(
  q: Queryable,
  offices: readonly { code: string; revision: number }[],
): Promise<void> {
  if (offices.length === 0) return;
  await q.query(
    `UPDATE office SET revision = u.revision, updated_at = now()
     FROM unnest($1::text[], $2::int[]) AS u(code, revision) WHERE office.code = u.code`,
    [offices.map((o) => o.code), offices.map((o) => o.revision)],
  );
}

/** The office `code`, or undefined. */
export async function findOffice(q: Queryable, code: string): Promise<StoredOffice | undefined> {
  const { rows } = await q.query<OfficeRow>(`SELECT ${columns} FROM office WHERE code = $1`, [code]);
  return rows[0] === undefined ? undefined : toOffice(rows[0]);
}

/** A filter and page of offices. */
export interface OfficeQuery {
  parent?: string;
  level?: OfficeLevelId;
  limit: number;
  offset: number;
}

/** One page of offices by code, and whether more follow. */
export async function listOffices(
  q: Queryable,
  query: OfficeQuery,
): Promise<{ offices: StoredOffice[]; more: boolean }> {
  const { rows } = await q.query<OfficeRow>(
    `SELECT ${columns} FROM office
     WHERE ($1::text IS NULL OR parent_code = $1) AND ($2::text IS NULL OR level = $2)
     ORDER BY code LIMIT $3 OFFSET $4`,
    [query.parent ?? null, query.level ?? null, query.limit + 1, query.offset],
  );
  return { offices: rows.slice(0, query.limit).map(toOffice), more: rows.length > query.limit };
}

/** The active offices at `level` in the subtree under `under` (not `under` itself). */
export async function activeDescendants(q: Queryable, under: string, level: OfficeLevelId): Promise<string[]> {
  const { rows } = await q.query<{ code: string }>(
    `WITH RECURSIVE tree (code, level, active) AS (
       SELECT code, level, active FROM office WHERE parent_code = $1
       UNION SELECT o.code, o.level, o.active FROM office o JOIN tree t ON o.parent_code = t.code)
     SELECT code FROM tree WHERE level = $2 AND active`,
    [under, level],
  );
  return rows.map((r) => r.code);
}

/** Which of `codes` are active offices. */
export async function activeAmong(q: Queryable, codes: readonly string[]): Promise<string[]> {
  if (codes.length === 0) return [];
  const { rows } = await q.query<{ code: string }>('SELECT code FROM office WHERE code = ANY($1::text[]) AND active', [
    codes,
  ]);
  return rows.map((r) => r.code);
}
