/**
 * The overdue sweep of a process: every `intervalMs` it notes overdue legs (overdue.ts),
 * round after round of a bounded batch until none is left; and the gauge
 * `lienthong_delivery_overdue_legs` (legs noted overdue and still unanswered, read from the
 * database at each scrape, so every process reports the same total).
 */
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { DeliveryTopics } from '../topics.ts';
import { countOverdue, overdueBatch, sweepOverdue } from './overdue.ts';

/** A running sweep. */
export interface OverdueSweep {
  /** Waits for a round in progress, then stops. */
  close(): Promise<void>;
}

/** Starts the sweep; the first round runs after `intervalMs`. */
export function startOverdueSweep(options: {
  pool: Pool;
  topics: DeliveryTopics;
  intervalMs: number;
  logger: Pick<Logger, 'error'>;
  now?: () => Date;
}): OverdueSweep {
  const { pool, topics, intervalMs, logger } = options;
  const now = options.now ?? (() => new Date());
  let closed = false;
  let running: Promise<void> | undefined;
  const round = async (): Promise<void> => {
    try {
      let noted = overdueBatch;
      while (!closed && noted === overdueBatch) noted = await sweepOverdue(pool, topics, now(), overdueBatch);
    } catch (error) {
      logger.error({ err: error }, 'delivery: overdue sweep failed; again at the next interval');
    }
  };
  const timer = setInterval(() => {
    if (running !== undefined) return;
    running = round().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  timer.unref();
  return {
    async close() {
      closed = true;
      clearInterval(timer);
      await running;
    },
  };
}

/** Registers `lienthong_delivery_overdue_legs` on `registry`. */
export function overdueMetrics(registry: Registry, pool: Pool): void {
  new Gauge({
    name: 'lienthong_delivery_overdue_legs',
    help: 'Legs whose deadline passed with no answer (noted by the overdue sweep, still at 01).',
    registers: [registry],
    async collect() {
      this.set(await countOverdue(pool));
    },
  });
}
