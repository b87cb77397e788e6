/**
 * The registers as the routes serve them: the caller's own office's outgoing register (a
 * page, or all of it for the CSV and the printable book) and the office's series
 * configuration. The access rule and the transaction live here. (The cancellation of a
 * number, which may cancel its document, is issue/document-cancellation.ts.)
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { findOffice } from '../directory/office-repository.ts';
import { registerBook } from './register-book.ts';
import type { EntryState, RegisterEntry } from './register-entry.ts';
import { appendAudit, listEntries } from './register-repository.ts';
import { checkSeriesConfig, loadSeriesConfig, storeSeriesConfig } from './series-config.ts';
import type { EffectiveSeriesConfig, StoredSeriesConfig } from './series-config.ts';

/** Who may read an office's register: its registry, its office system, its archivists. */
export const registerReaders = [roles.registry, roles.officeSystem, roles.archivist];

/** Most entries one export holds (a province office gives about 2,000 numbers a year). */
export const maxExportEntries = 100_000;

/** Which part of the register. */
export interface RegisterFilter {
  series?: string;
  period?: string;
}

/** One page of the caller's office's outgoing register and the offset of the next (null on the last). */
export async function outgoingPage(
  pool: Pool,
  principal: Principal,
  query: RegisterFilter & { state?: EntryState; limit: number; offset: number },
): Promise<{ office: string; entries: RegisterEntry[]; nextOffset: number | null }> {
  requireRoleOf(principal, ...registerReaders);
  const page = await listEntries(pool, { ...query, office: principal.office, register: 'outgoing' });
  return {
    office: principal.office,
    entries: page.entries,
    nextOffset: page.more ? query.offset + query.limit : null,
  };
}

/** The whole of the caller's office's outgoing register (or one series or period), for an export. */
export async function outgoingExport(
  pool: Pool,
  principal: Principal,
  filter: RegisterFilter,
): Promise<{ office: string; entries: RegisterEntry[]; truncated: boolean }> {
  requireRoleOf(principal, ...registerReaders);
  const page = await listEntries(pool, {
    ...filter,
    office: principal.office,
    register: 'outgoing',
    limit: maxExportEntries,
    offset: 0,
  });
  return { office: principal.office, entries: page.entries, truncated: page.more };
}

/** The printable register book (PDF) of the caller's office's outgoing register, or one series or period of it. */
export async function outgoingBook(
  pool: Pool,
  principal: Principal,
  filter: RegisterFilter,
  now: Date = new Date(),
): Promise<{ office: string; pdf: Uint8Array; truncated: boolean }> {
  const { office, entries, truncated } = await outgoingExport(pool, principal, filter);
  const officeName = (await findOffice(pool, office))?.name ?? office;
  const scope = [
    filter.series === undefined ? '' : `Sổ ${filter.series}`,
    filter.period === undefined
      ? ''
      : filter.period.length === 4
        ? `năm ${filter.period}`
        : `nhiệm kỳ từ ${filter.period}`,
  ]
    .filter((x) => x !== '')
    .join(', ');
  return { office, pdf: registerBook(entries, { officeName, scope, printedAt: now }), truncated };
}

/** The configuration the caller's office numbers under. */
export async function viewSeriesConfig(pool: Pool, principal: Principal): Promise<EffectiveSeriesConfig> {
  requireRoleOf(principal, ...registerReaders);
  return loadSeriesConfig(pool, principal.office);
}

/**
 * Sets the caller's office's series configuration (registry only: the registry keeps the
 * register under the office's rules; the directory administrators manage the org tree,
 * not its books). Numbers already given keep their series; new ones follow the new rule.
 */
export async function changeSeriesConfig(
  pool: Pool,
  principal: Principal,
  config: StoredSeriesConfig,
): Promise<EffectiveSeriesConfig> {
  requireRoleOf(principal, roles.registry);
  checkSeriesConfig(principal.office, config);
  await withTransaction(pool, async (c) => {
    const revision = await storeSeriesConfig(c, principal.office, config, principal.subject);
    await appendAudit(c, {
      office: principal.office,
      register: 'outgoing',
      action: 'configured',
      actor: principal.subject,
      detail: { revision, config },
    });
  });
  return loadSeriesConfig(pool, principal.office);
}
