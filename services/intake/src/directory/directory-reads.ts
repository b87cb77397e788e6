/**
 * Reading the directory. Offices and recipient groups are for any caller (every office
 * system addresses documents to other offices); people only for the caller's own office.
 */
import type { Pool } from '@lienthong/db';
import type { DocumentMetadata } from '@lienthong/records';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
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
export async function groupMembers(q: Queryable, code: string): Promise<{ group: StoredGroup; offices: string[] }> {
  const group = await findGroup(q, code);
  if (group === undefined) throw new AppError(intakeErrors.GROUP_NOT_FOUND, { extra: { code } });
  const members = new Set(await activeAmong(q, group.offices));
  for (const rule of group.rules)
    for (const office of await activeDescendants(q, rule.under, rule.level)) members.add(office);
  return { group, offices: [...members].sort() };
}

/**
 * The offices a document goes to (nơi nhận) as the directory has them now: the listed
 * offices and every group's members, without the issuing office, sorted. What delivery
 * sends to is fixed by this at issue time.
 */
export async function recipientOffices(
  q: Queryable,
  recipients: DocumentMetadata['recipients'],
  issuer: string,
): Promise<string[]> {
  const offices = new Set(recipients.offices ?? []);
  for (const group of recipients.groups ?? [])
    for (const office of (await groupMembers(q, group)).offices) offices.add(office);
  offices.delete(issuer);
  return [...offices].sort();
}
