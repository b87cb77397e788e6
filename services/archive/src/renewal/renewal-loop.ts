/**
 * The scheduled renewal (README "Long-term validity"): every `intervalMs`, the packages due
 * (`duePackages`: never time-stamped, or within `marginMs` of their protection's end) are
 * renewed one by one, at most `batch` a pass; a package that cannot be renewed now (the TSA
 * down, the store not vouched for, a race) is logged and comes again at the next pass.
 */
import type { Logger } from '@lienthong/service';
import { duePackages, renewPackage } from './renew-package.ts';
import type { RenewalDeps } from './renew-package.ts';
import { startSchedule } from '../schedule.ts';
import type { Schedule } from '../schedule.ts';

/** What the loop needs besides a renewal's dependencies. */
export interface RenewalLoopOptions extends RenewalDeps {
  intervalMs: number;
  marginMs: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** Most packages renewed in one pass (default 100). */
  batch?: number;
}

/** One pass at `now`; returns how many packages were renewed. */
export async function renewDue(options: RenewalLoopOptions): Promise<number> {
  const now = (options.now ?? (() => new Date()))();
  let renewed = 0;
  for (const recordId of await duePackages(options.pool, now, options.marginMs, options.batch ?? 100)) {
    try {
      const renewal = await renewPackage(options, recordId);
      renewed += 1;
      options.logger.info({ recordId, ...renewal }, 'archive: long-term validity renewed');
    } catch (error) {
      options.logger.warn({ err: error, recordId }, 'archive: a package could not be renewed now');
    }
  }
  return renewed;
}

/** Starts the schedule (the first pass after `intervalMs`); `stop` ends it after the pass in progress. */
export function startRenewalLoop(options: RenewalLoopOptions): Schedule {
  return startSchedule(() => renewDue(options), {
    intervalMs: options.intervalMs,
    logger: options.logger,
    what: 'renewal',
  });
}
