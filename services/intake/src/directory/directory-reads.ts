/**
 * Reading the directory. Offices and recipient groups are for any caller (every office
 * system addresses documents to other offices); people only for the caller's own office.
 */
import type { Pool } from '@lienthong/db';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';
import type { PersonEntry } from './directory-document.ts';
import type { StoredGroup, StoredOffice } from './directory-snapshot.ts';
import { findGroup, listGroups } from './group-repository.ts';
import { activeAmong, activeDescendants, findOffice, listOffices, type OfficeQuery } from './office-repository.ts';
import { listPeople } from './person-repository.ts';

/** One page of offices and the offset of the next (null on the last). */
export async function officesPage(
  pool: Pool,
  query: OfficeQuery,
): Promise<{ offices: StoredOffice[]; nextOffset: number | null }> {
  const page = await listOffices(pool, query);
  return { offices: page.offices, nextOffset: page.more ? query.offset + query.limit : null };
}

/** The office `code`; 404 OFFICE_NOT_FOUND. */
export async function viewOffice(pool: Pool, code: string): Promise<StoredOffice> {
  const office = await findOffice(pool, code);
  if (office === undefined) throw new AppError(intakeErrors.OFFICE_NOT_FOUND, { extra: { code } });
  return office;
}

/** The people of the caller's own office. */
export async function ownPeople(pool: Pool, principal: Principal): Promise<PersonEntry[]> {
  return listPeople(pool, principal.office);
}

/** The groups the caller's office owns. */
export async function ownGroups(pool: Pool, principal: Principal): Promise<StoredGroup[]> {
  return listGroups(pool, principal.office);
}

/** The group `code`; 404 GROUP_NOT_FOUND. */
export async function viewGroup(pool: Pool, code: string): Promise<StoredGroup> {
  const group = await findGroup(pool, code);
  if (group === undefined) throw new AppError(intakeErrors.GROUP_NOT_FOUND, { extra: { code } });
  return group;
}

/** The active offices group `code` resolves to, by code: its listed offices and every rule's. */
export async function groupMembers(pool: Pool, code: string): Promise<{ group: StoredGroup; offices: string[] }> {
  const group = await viewGroup(pool, code);
  const members = new Set(await activeAmong(pool, group.offices));
  for (const rule of group.rules)
    for (const office of await activeDescendants(pool, rule.under, rule.level)) members.add(office);
  return { group, offices: [...members].sort() };
}
