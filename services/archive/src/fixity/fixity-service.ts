/**
 * Fixity as the routes serve it, with its access rule: an office's archivists see the failed
 * checks of the records their office issued or received and the last run that covered them,
 * and may start a run of those records (never of another office's: the run's scope is the
 * caller's office, from the token).
 */
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { archiveErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import type { FixityKeeper } from './fixity-keeper.ts';
import type { FixityFailure, FixityRun } from './fixity-repository.ts';
import { currentFailures, findRun, lastRunFor } from './fixity-repository.ts';

/** Who may read and start fixity runs of their office's records. */
export const fixityUsers = [roles.archivist];

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The failures of the caller's office's records (at most `limit`) and the last run that covered them. */
export async function fixityOverview(
  q: Queryable,
  principal: Principal,
  limit: number,
): Promise<{ office: string; failures: FixityFailure[]; lastRun: FixityRun | null }> {
  requireRoleOf(principal, ...fixityUsers);
  const failures = await currentFailures(q, principal.office, limit);
  return { office: principal.office, failures, lastRun: (await lastRunFor(q, principal.office)) ?? null };
}

/** Run `id` if it covered the caller's office's records (its office's run, or a run of every record); else 404. */
export async function fixityRunOf(q: Queryable, principal: Principal, id: string): Promise<FixityRun> {
  requireRoleOf(principal, ...fixityUsers);
  const run = uuidPattern.test(id) ? await findRun(q, id) : undefined;
  if (run === undefined || (run.office !== null && run.office !== principal.office))
    throw new AppError(archiveErrors.FIXITY_RUN_NOT_FOUND);
  return run;
}

/** Starts a run of the caller's office's records; 409 FIXITY_RUN_IN_PROGRESS while one of that office is going. */
export async function requestFixityRun(q: Queryable, keeper: FixityKeeper, principal: Principal): Promise<FixityRun> {
  requireRoleOf(principal, ...fixityUsers);
  const run = await keeper.requestRun(principal.office, principal.subject);
  if (run === undefined) throw new AppError(archiveErrors.FIXITY_RUN_IN_PROGRESS);
  return (await findRun(q, run.id))!;
}
