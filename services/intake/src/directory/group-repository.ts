/** The `recipient_group` table: recipient groups with their listed offices and rules (jsonb). */
import type { Queryable } from '../queryable.ts';
import type { GroupEntry, GroupRule } from './directory-document.ts';
import type { StoredGroup } from './directory-snapshot.ts';

interface GroupRow {
  code: string;
  office: string;
  name: string;
  offices: string[];
  rules: GroupRule[];
  revision: number;
  updated_at: Date;
}

const toGroup = (r: GroupRow): StoredGroup => ({
  code: r.code,
  office: r.office,
  name: r.name,
  offices: r.offices,
  rules: r.rules.map((rule) => ({ under: rule.under, level: rule.level })),
  revision: r.revision,
  updatedAt: r.updated_at,
});

const columns = 'code, office, name, offices, rules, revision, updated_at';

/** Every group, by code. */
export async function loadGroups(q: Queryable): Promise<Map<string, StoredGroup>> {
  const { rows } = await q.query<GroupRow>(`SELECT ${columns} FROM recipient_group`);
  return new Map(rows.map((r) => [r.code, toGroup(r)]));
}

/** Inserts or replaces `groups`, each with its new revision. */
export async function upsertGroups(
  q: Queryable,
  groups: readonly (GroupEntry & { revision: number })[],
): Promise<void> {
  if (groups.length === 0) return;
  await q.query(
    `INSERT INTO recipient_group (code, office, name, offices, rules, revision, updated_at)
     SELECT u.code, u.office, u.name, ARRAY(SELECT jsonb_array_elements_text(u.offices::jsonb)), u.rules::jsonb, u.revision, now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[]) AS u(code, office, name, offices, rules, revision)
     ON CONFLICT (code) DO UPDATE SET office = excluded.office, name = excluded.name, offices = excluded.offices,
       rules = excluded.rules, revision = excluded.revision, updated_at = now()`,
    [
      groups.map((g) => g.code),
      groups.map((g) => g.office),
      groups.map((g) => g.name),
      groups.map((g) => JSON.stringify(g.offices)),
      groups.map((g) => JSON.stringify(g.rules.map((r) => ({ under: r.under, level: r.level })))),
      groups.map((g) => g.revision),
    ],
  );
}

/** The group `code`, or undefined. */
export async function findGroup(q: Queryable, code: string): Promise<StoredGroup | undefined> {
  const { rows } = await q.query<GroupRow>(`SELECT ${columns} FROM recipient_group WHERE code = $1`, [code]);
  return rows[0] === undefined ? undefined : toGroup(rows[0]);
}

/** The groups an office owns, by code. */
export async function listGroups(q: Queryable, office: string): Promise<StoredGroup[]> {
  const { rows } = await q.query<GroupRow>(`SELECT ${columns} FROM recipient_group WHERE office = $1 ORDER BY code`, [
    office,
  ]);
  return rows.map(toGroup);
}
