/** The `person` table: the people of each office. Roles travel as one comma-joined text per row, since unnest flattens arrays of arrays. */
import type { Queryable } from '../queryable.ts';
import type { PersonEntry } from './directory-document.ts';
import { personKey } from './directory-snapshot.ts';

interface PersonRow {
  office: string;
  subject: string;
  full_name: string;
  title: string;
  roles: string[];
}

const toPerson = (r: PersonRow): PersonEntry => ({
  office: r.office,
  subject: r.subject,
  name: r.full_name,
  title: r.title,
  roles: r.roles,
});

/** The people of `offices`, by `personKey`. */
export async function loadPeople(q: Queryable, offices: readonly string[]): Promise<Map<string, PersonEntry>> {
  if (offices.length === 0) return new Map();
  const { rows } = await q.query<PersonRow>(
    'SELECT office, subject, full_name, title, roles FROM person WHERE office = ANY($1::text[])',
    [[...new Set(offices)]],
  );
  return new Map(rows.map((r) => [personKey(r.office, r.subject), toPerson(r)]));
}

/** Inserts or replaces `people`. */
export async function upsertPeople(q: Queryable, people: readonly PersonEntry[]): Promise<void> {
  if (people.length === 0) return;
  await q.query(
    `INSERT INTO person (office, subject, full_name, title, roles, updated_at)
     SELECT u.office, u.subject, u.full_name, u.title, string_to_array(u.roles, ','), now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) AS u(office, subject, full_name, title, roles)
     ON CONFLICT (office, subject) DO UPDATE SET full_name = excluded.full_name, title = excluded.title,
       roles = excluded.roles, updated_at = now()`,
    [
      people.map((p) => p.office),
      people.map((p) => p.subject),
      people.map((p) => p.name),
      people.map((p) => p.title),
      people.map((p) => p.roles.join(',')),
    ],
  );
}

/** The people of `office`, by subject. */
export async function listPeople(q: Queryable, office: string): Promise<PersonEntry[]> {
  const { rows } = await q.query<PersonRow>(
    'SELECT office, subject, full_name, title, roles FROM person WHERE office = $1 ORDER BY subject',
    [office],
  );
  return rows.map(toPerson);
}
