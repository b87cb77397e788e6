/**
 * Legal hold (README "Legal hold"): an archivist of the office that issued a record puts it
 * under hold, or releases it. The store first: the legal hold set (or lifted) on every version
 * under the record's prefix and, when placed, their COMPLIANCE retention extended to at least
 * `holdExtensionMs` from now (`hold-lock.ts`); then the package's flag, its `locked_until` and
 * the audit entries in one transaction, so the flag never claims a hold the store does not have.
 * A held record is never listed as due and never deleted; a released one stays locked until its
 * extended date (COMPLIANCE cannot be shortened). A permanent record's hold is not released.
 */
import type { Pool } from '@lienthong/db';
import { textProblem } from '@lienthong/records';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { requireRoleOf } from '../access.ts';
import { appendAudit } from '../audit/audit-log.ts';
import { findRecord } from '../catalog/catalog-repository.ts';
import { archiveErrors } from '../errors.ts';
import { findPackage } from '../packages/package-repository.ts';
import { setHold } from './disposition-repository.ts';
import { changePackageLock } from './hold-lock.ts';

/** How far ahead of now a held record's retention is extended by default (README "Legal hold"). */
export const defaultHoldExtensionMs = 365 * 86_400_000;

/** What a hold needs. */
export interface HoldDeps {
  pool: Pool;
  store: ObjectStore;
  bucket: string;
  now?: () => Date;
  /** How far ahead of now a hold extends the record's COMPLIANCE retention, ms (default `defaultHoldExtensionMs`). */
  holdExtensionMs?: number;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record's hold as the API shows it. */
export interface HoldState {
  recordId: string;
  legalHold: boolean;
  reason: string | null;
  permanent: boolean;
  /** Until when the store keeps every version locked (COMPLIANCE), whatever becomes of the hold. */
  lockedUntil: Date;
}

/**
 * Places (`on`) or releases the legal hold of record `id` of the caller's office (archivists of
 * the issuing office; any other record is 404). `reason` is required to place one.
 */
export async function changeHold(
  deps: HoldDeps,
  principal: Principal,
  id: string,
  on: boolean,
  reason?: string,
): Promise<HoldState> {
  requireRoleOf(principal, roles.archivist);
  if (on) {
    const problem = textProblem(reason ?? '', { maxLength: 1000 });
    if (problem !== undefined) throw new AppError(serviceErrors.VALIDATION_FAILED, { detail: `reason ${problem}` });
  }
  const recordId = id.toLowerCase();
  const record = uuidPattern.test(recordId) ? await findRecord(deps.pool, principal.office, recordId) : undefined;
  const pkg = record === undefined ? undefined : await findPackage(deps.pool, recordId);
  if (record === undefined || record.issuingOffice !== principal.office || pkg === undefined)
    throw new AppError(archiveErrors.RECORD_NOT_FOUND);
  const { rows } = await deps.pool.query<{ disposed_at: Date | null }>(
    'SELECT disposed_at FROM package WHERE record_id = $1',
    [recordId],
  );
  if (rows[0]?.disposed_at != null)
    throw new AppError(archiveErrors.DISPOSITION_STATE, { detail: 'the record was disposed of' });
  const permanent = pkg.retainUntil === null;
  if (!on && permanent) throw new AppError(archiveErrors.RECORD_PERMANENT);
  const at = (deps.now ?? (() => new Date()))();
  // The store first, then the flag: every version of the package, and any an interrupted ingest left under the prefix.
  const until = on ? new Date(at.getTime() + (deps.holdExtensionMs ?? defaultHoldExtensionMs)) : undefined;
  const lockedUntil = await changePackageLock(
    deps,
    recordId,
    { hold: on, ...(until === undefined ? {} : { until }) },
    async (client, versions) => {
      const locked = await setHold(client, recordId, on, on ? (reason ?? null) : null, until);
      for (const office of new Set([record.issuingOffice, ...record.receivingOffices]))
        await appendAudit(
          client,
          {
            office,
            actor: principal.subject,
            action: on ? 'record.hold-placed' : 'record.hold-released',
            recordId,
            detail: {
              ...(on ? { reason: reason ?? '' } : {}),
              versions,
              lockedUntil: locked.toISOString(),
            },
          },
          at,
        );
      return locked;
    },
  );
  return { recordId, legalHold: on, reason: on ? (reason ?? null) : null, permanent, lockedUntil };
}
