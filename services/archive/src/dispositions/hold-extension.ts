/**
 * The schedule that keeps held records locked (README "Legal hold"): every `intervalMs`, each
 * record under legal hold whose store lock ends within half of `extensionMs` gets the COMPLIANCE
 * retention of every version extended to `extensionMs` from now (`changePackageLock`), the
 * package's `locked_until` moved with it and `record.lock-extended` in its issuing office's
 * audit chain. So a held record is never left with an expired retention, which Versity S3
 * Gateway would let be deleted despite the hold. Permanent records are held, so they are kept
 * the same way once their 100 years come near.
 */
import type { Logger } from '@lienthong/service';
import { appendAudit } from '../audit/audit-log.ts';
import { extendLock, heldLocksEndingBefore } from './disposition-repository.ts';
import { changePackageLock } from './hold-lock.ts';
import type { HoldLockDeps } from './hold-lock.ts';
import { startSchedule } from '../schedule.ts';
import type { Schedule } from '../schedule.ts';

/** What a pass needs. */
export interface HoldExtensionOptions extends HoldLockDeps {
  /** How far ahead of now a held record's retention is extended, ms. */
  extensionMs: number;
  logger: Pick<Logger, 'info' | 'warn'>;
  now?: () => Date;
  /** Most records extended in one pass (default 100). */
  batch?: number;
}

/** One pass at `now`: extends the held records whose lock ends within half the extension; returns how many. */
export async function extendHeldLocks(options: HoldExtensionOptions): Promise<number> {
  const now = (options.now ?? (() => new Date()))();
  const until = new Date(now.getTime() + options.extensionMs);
  const before = new Date(now.getTime() + options.extensionMs / 2);
  let extended = 0;
  for (const recordId of await heldLocksEndingBefore(options.pool, before, options.batch ?? 100)) {
    try {
      const lockedUntil = await changePackageLock(options, recordId, { until }, async (client, versions) => {
        const locked = await extendLock(client, recordId, until);
        const { rows } = await client.query<{ issuing_office: string }>(
          'SELECT issuing_office FROM record WHERE id = $1',
          [recordId],
        );
        const office = rows[0]?.issuing_office;
        if (office !== undefined)
          await appendAudit(
            client,
            {
              office,
              actor: 'service:archive',
              action: 'record.lock-extended',
              recordId,
              detail: { versions, lockedUntil: locked.toISOString() },
            },
            now,
          );
        return locked;
      });
      extended += 1;
      options.logger.info({ recordId, lockedUntil }, "archive: a held record's retention extended");
    } catch (error) {
      options.logger.warn({ err: error, recordId }, "archive: a held record's retention could not be extended now");
    }
  }
  return extended;
}

/** Starts the schedule (the first pass after `intervalMs`); `stop` ends it after the pass in progress. */
export function startHoldExtension(options: HoldExtensionOptions & { intervalMs: number }): Schedule {
  return startSchedule(() => extendHeldLocks(options), {
    intervalMs: options.intervalMs,
    logger: options.logger,
    what: 'hold extension',
  });
}
