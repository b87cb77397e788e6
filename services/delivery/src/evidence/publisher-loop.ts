/**
 * The handoff loop (one per process, started with the sealer and the stamper): woken after a
 * round that stamped batches, and polling, it writes and tells the stamped batches due
 * (`publisher.ts`) until none is left. A failing store is logged once per change of state,
 * and once when it works again.
 */
import type { Logger } from '@lienthong/service';
import { publishDue } from './publisher.ts';
import type { PublisherDeps } from './publisher.ts';

/** A running handoff loop. */
export interface Publisher {
  wake(): void;
  close(): Promise<void>;
}

/** Starts the loop: on a wake or every `pollMs`. */
export function startPublisher(
  deps: PublisherDeps & { pollMs: number; logger: Pick<Logger, 'warn' | 'info'> },
): Publisher {
  let closed = false;
  let running: Promise<void> | undefined;
  let again = false;
  let failing: string | undefined;
  const run = async (): Promise<void> => {
    do {
      again = false;
      try {
        let round = await publishDue(deps);
        const failures = [...round.failures];
        let published = round.published;
        while (!closed && round.published > 0) {
          round = await publishDue(deps);
          failures.push(...round.failures);
          published += round.published;
        }
        const state = failures[0]?.error;
        if (state !== undefined) {
          if (state !== failing)
            deps.logger.warn(
              { failures: failures.slice(0, 5) },
              'delivery: writing stamped evidence for the archive failed; batches wait',
            );
          failing = state;
        } else if (published > 0 && failing !== undefined) {
          deps.logger.info('delivery: writing stamped evidence for the archive works again');
          failing = undefined;
        }
      } catch (error) {
        deps.logger.warn({ err: error }, 'delivery: stamped evidence handoff round failed');
      }
    } while (again && !closed);
  };
  const wake = (): void => {
    if (closed) return;
    if (running !== undefined) {
      again = true;
      return;
    }
    running = run().finally(() => {
      running = undefined;
    });
  };
  const timer = setInterval(wake, deps.pollMs);
  timer.unref();
  return {
    wake,
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}
