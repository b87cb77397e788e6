/**
 * The registered identities in the service's schema: offices (table `office`, written at start
 * from the offices file, or from intake's directory through `directory.changed`) and the people
 * of each office (table `person`, recorded by the office's CA administrators, or the
 * directory's). One-purpose queries.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';
import type { RegisteredOffice } from './office-file.ts';

/** A person as their office recorded them: what their certificates name. */
export interface RegisteredPerson {
  office: string;
  /** The access token's `sub`, e.g. `person:nhung`. */
  subject: string;
  /** Full name (CN), e.g. "Nguyễn Thị Hồng Nhung". */
  name: string;
  /** Title (chức vụ), e.g. "Phó Bí thư Tỉnh ủy". */
  title: string;
  recordedBy: string;
  recordedAt: Date;
}

/** Who writes an office's registration (and its people): the offices file, or intake's directory. */
export type OfficeSource = 'file' | 'directory';

/** An office as the `office` table holds it: what certificates name, where it comes from, whether it is active. */
export interface OfficeRecord extends RegisteredOffice {
  source: OfficeSource;
  /** The directory's revision last applied; null for the file's offices. */
  revision: number | null;
  /** False: retired in the directory, no new certificate. */
  active: boolean;
}

interface OfficeRow {
  code: string;
  legal_name: string;
  unit: string;
  locality: string | null;
  source: OfficeSource;
  revision: string | null;
  active: boolean;
}

const officeColumns = 'code, legal_name, unit, locality, source, revision, active';

interface PersonRow {
  office: string;
  subject: string;
  full_name: string;
  title: string;
  recorded_by: string;
  recorded_at: Date;
}

const toOffice = (row: OfficeRow): OfficeRecord => ({
  code: row.code,
  name: row.legal_name,
  unit: row.unit,
  ...(row.locality === null ? {} : { locality: row.locality }),
  source: row.source,
  revision: row.revision === null ? null : Number(row.revision),
  active: row.active,
});

const toPerson = (row: PersonRow): RegisteredPerson => ({
  office: row.office,
  subject: row.subject,
  name: row.full_name,
  title: row.title,
  recordedBy: row.recorded_by,
  recordedAt: row.recorded_at,
});

/**
 * Makes the file's offices in the `office` table exactly `offices` (those of the file): each
 * upserted, any other file office removed (its people stay, unusable until it returns). An
 * office the directory has published is the directory's: the file neither overwrites nor
 * removes it. One transaction under an advisory lock, so two instances starting at once do
 * not interleave. Returns the codes removed and those of the file the directory now holds.
 */
export async function replaceOffices(
  pool: Pool,
  offices: readonly RegisteredOffice[],
): Promise<{ removed: string[]; fromDirectory: string[] }> {
  return withTransaction(pool, async (client) => {
    await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lienthong.signing.offices', 0))");
    const fromDirectory: string[] = [];
    for (const office of offices) {
      const { rowCount } = await client.query(
        `INSERT INTO office (code, legal_name, unit, locality, updated_at) VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (code) DO UPDATE SET legal_name = $2, unit = $3, locality = $4, updated_at = now()
         WHERE office.source = 'file'`,
        [office.code, office.name, office.unit, office.locality ?? null],
      );
      if (rowCount === 0) fromDirectory.push(office.code);
    }
    const { rows } = await client.query<{ code: string }>(
      "DELETE FROM office WHERE source = 'file' AND NOT (code = ANY($1::text[])) RETURNING code",
      [offices.map((o) => o.code)],
    );
    return { removed: rows.map((r) => r.code), fromDirectory };
  });
}

/** The office `code` row-locked for a change from the directory, or undefined. */
export async function lockOffice(q: Queryable, code: string): Promise<OfficeRecord | undefined> {
  const { rows } = await q.query<OfficeRow>(`SELECT ${officeColumns} FROM office WHERE code = $1 FOR UPDATE`, [code]);
  return rows[0] === undefined ? undefined : toOffice(rows[0]);
}

/** Writes `office` as the directory published it at `revision`: from then on the directory's. */
export async function upsertDirectoryOffice(
  q: Queryable,
  office: RegisteredOffice & { active: boolean },
  revision: number,
): Promise<void> {
  await q.query(
    `INSERT INTO office (code, legal_name, unit, locality, source, revision, active, updated_at)
     VALUES ($1, $2, $3, $4, 'directory', $5, $6, now())
     ON CONFLICT (code) DO UPDATE SET legal_name = $2, unit = $3, locality = $4, source = 'directory',
       revision = $5, active = $6, updated_at = now()`,
    [office.code, office.name, office.unit, office.locality ?? null, revision, office.active],
  );
}

/** Removes the people of `office` whose subject is not in `keep`; returns the subjects removed. */
export async function deletePersonsExcept(q: Queryable, office: string, keep: readonly string[]): Promise<string[]> {
  const { rows } = await q.query<{ subject: string }>(
    'DELETE FROM person WHERE office = $1 AND NOT (subject = ANY($2::text[])) RETURNING subject',
    [office, keep],
  );
  return rows.map((r) => r.subject).sort();
}

/** The registered office `code`, or undefined. */
export async function findOffice(q: Queryable, code: string): Promise<OfficeRecord | undefined> {
  const { rows } = await q.query<OfficeRow>(`SELECT ${officeColumns} FROM office WHERE code = $1`, [code]);
  return rows[0] === undefined ? undefined : toOffice(rows[0]);
}

/** The person `subject` of `office`, or undefined. */
export async function findPerson(q: Queryable, office: string, subject: string): Promise<RegisteredPerson | undefined> {
  const { rows } = await q.query<PersonRow>(
    'SELECT office, subject, full_name, title, recorded_by, recorded_at FROM person WHERE office = $1 AND subject = $2',
    [office, subject],
  );
  return rows[0] === undefined ? undefined : toPerson(rows[0]);
}

/** The people of `office`, by subject. */
export async function listPersons(q: Queryable, office: string): Promise<RegisteredPerson[]> {
  const { rows } = await q.query<PersonRow>(
    'SELECT office, subject, full_name, title, recorded_by, recorded_at FROM person WHERE office = $1 ORDER BY subject',
    [office],
  );
  return rows.map(toPerson);
}

/** Records (or replaces) a person of an office; returns whether they were new. */
export async function upsertPerson(q: Queryable, person: RegisteredPerson): Promise<boolean> {
  const { rows } = await q.query<{ inserted: boolean }>(
    `INSERT INTO person (office, subject, full_name, title, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (office, subject) DO UPDATE SET full_name = $3, title = $4, recorded_by = $5, recorded_at = $6
     RETURNING (xmax = 0) AS inserted`,
    [person.office, person.subject, person.name, person.title, person.recordedBy, person.recordedAt],
  );
  return rows[0]!.inserted;
}

/** Removes a person of an office; false when there was none. */
export async function deletePerson(q: Queryable, office: string, subject: string): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM person WHERE office = $1 AND subject = $2', [office, subject]);
  return (rowCount ?? 0) > 0;
}
