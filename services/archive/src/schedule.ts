/**
 * The archive's schedules (renewal, hold extension, parked events, audit checkpoints): a pass
 * every `intervalMs`, the first after one interval; a pass still running is not joined by
 * another; a pass that throws is logged as `what` failed and the next one comes anyway.
 */
import type { Logger } from '@lienthong/service';

/** A running schedule; `stop` ends it after the pass in progress. */
export interface Schedule {
  stop(): Promise<void>;
}

/** Starts `pass` every `intervalMs` (timer unref'd: a schedule never holds the process open). */
export function startSchedule(
  pass: () => Promise<unknown>,
  options: { intervalMs: number; logger: Pick<Logger, 'warn'>; what: string },
): Schedule {
  let running: Promise<unknown> | undefined;
  let stopped = false;
  const timer = setInterval(() => {
    if (stopped || running !== undefined) return;
    running = pass()
      .catch((error: unknown) => options.logger.warn({ err: error }, `archive: the ${options.what} pass failed`))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
