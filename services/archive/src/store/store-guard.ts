/**
 * The archive's guard over its object store: the canary test (`canary-test.ts`) at start and
 * on a schedule, and the verdict the rest of the archive asks before it writes a record
 * (README "Store self-test"). A store that once let a locked canary be deleted, shortened,
 * weakened or overwritten is unsafe until a later check passes.
 */
import { AppError } from '@lienthong/service';
import type { LibLogger } from '@lienthong/kit';
import type { ObjectStore } from '@lienthong/storage';
import { archiveErrors } from '../errors.ts';
import { removeExpiredCanaries } from './canary-cleanup.ts';
import { runCanaryTest } from './canary-test.ts';

/** The outcome of the last self-test of the store. */
export interface StoreVerdict {
  /** True when the last check found nothing let through. */
  safe: boolean;
  /** When that check ended (the epoch before any check). */
  checkedAt: Date;
  /** What the store let through or why it could not be checked, in an operator's words. */
  problems: string[];
}

/** The store self-test and its verdict, for ingest (`assertSafe`), `/readyz` and `/metrics`. */
export interface StoreGuard {
  /** Runs the canary test now (put a canary under COMPLIANCE retention, try delete / overwrite / shorten / bypass). */
  check(): Promise<StoreVerdict>;
  /** The last verdict; `safe` is false until a check passed and after any failed one. */
  verdict(): StoreVerdict;
  /** Throws AppError 503 ARCHIVE_STORE_UNSAFE (problem+json) unless the last verdict is safe. */
  assertSafe(): void;
  /** Runs the check again every `intervalMs` (the first one `intervalMs` from now). */
  start(): void;
  /** Stops the schedule and waits for a check in flight; the guard does not start again. */
  stop(): Promise<void>;
}

/** What `createStoreGuard` needs. */
export interface StoreGuardDeps {
  store: ObjectStore;
  /** The archive bucket (made by `ensureArchiveBucket`). */
  bucket: string;
  /** Between scheduled checks. */
  intervalMs: number;
  logger: LibLogger;
  /** The guard's clock: canary names, their retention and `checkedAt`. */
  now?: () => Date;
  /** How long each canary stays locked (default one day; expired canaries are removed). */
  canaryRetentionMs?: number;
}

/** One day: long enough to prove the lock, short enough that canaries do not pile up. */
export const defaultCanaryRetentionMs = 24 * 3600_000;

const neverChecked: StoreVerdict = Object.freeze({
  safe: false,
  checkedAt: new Date(0),
  problems: Object.freeze(['the store has not been checked yet']) as string[],
});

/** Makes the guard; nothing runs until `check()` or `start()`. */
export function createStoreGuard(deps: StoreGuardDeps): StoreGuard {
  const { store, bucket, intervalMs, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const retentionMs = deps.canaryRetentionMs ?? defaultCanaryRetentionMs;
  let last: StoreVerdict = neverChecked;
  let running: Promise<StoreVerdict> | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  async function runCheck(): Promise<StoreVerdict> {
    let problems: string[];
    try {
      problems = await runCanaryTest({ store, bucket, now: now(), retentionMs });
    } catch (error) {
      problems = [`the self-test could not run: ${error instanceof Error ? error.message : String(error)}`];
    }
    const verdict: StoreVerdict = Object.freeze({
      safe: problems.length === 0,
      checkedAt: now(),
      problems: Object.freeze([...problems]) as string[],
    });
    if (!verdict.safe) {
      logger.error(
        { bucket, problems },
        `the archive store failed its self-test; records are not archived until a check passes: ${problems.join('; ')}`,
      );
    } else if (!last.safe && last !== neverChecked) {
      logger.info({ bucket }, 'the archive store passed its self-test again; archiving resumes');
    } else {
      logger.debug({ bucket }, 'the archive store passed its self-test');
    }
    last = verdict;
    await removeExpiredCanaries({ store, bucket, now: now(), retentionMs, logger });
    return verdict;
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      void guard.check().finally(schedule);
    }, intervalMs);
    // The service's server keeps the process alive; the schedule alone must not.
    timer.unref();
  }

  const guard: StoreGuard = {
    check() {
      running ??= runCheck().finally(() => {
        running = undefined;
      });
      return running;
    },
    verdict: () => last,
    assertSafe() {
      if (last.safe) return;
      const detail =
        last === neverChecked
          ? 'the object store has not passed its self-test yet'
          : `the object store failed its self-test at ${last.checkedAt.toISOString()}: ${last.problems.join('; ')}`;
      throw new AppError(archiveErrors.ARCHIVE_STORE_UNSAFE, { detail });
    },
    start() {
      if (timer === undefined) schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
  return guard;
}
