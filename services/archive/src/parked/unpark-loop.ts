/**
 * The retry of parked events: every `intervalMs`, each event parked by a consumer whose record
 * now has a package is taken and applied in one transaction (taken by one process only: the
 * DELETE decides), so an event that overtook `document.issued` is applied once the record is
 * archived, never lost and never twice.
 */
import type { EventEnvelope } from '@lienthong/bus';
import { withTransaction } from '@lienthong/db';
import type { Pool, PoolClient } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { readyParkedEvents, takeParkedEvent } from './parked-events.ts';

/** Applies one parked event inside the caller's transaction (the one that took it). */
export type ParkedHandler = (client: PoolClient, envelope: EventEnvelope) => Promise<void>;

/** What the loop needs: the pool, the handler of each consumer, the interval. */
export interface UnparkOptions {
  pool: Pool;
  handlers: Readonly<Record<string, ParkedHandler>>;
  intervalMs: number;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** At most this many events of one consumer per pass: a long backlog is worked through pass by pass. */
const batchLimit = 200;

/** One pass over every consumer's ready events; returns how many were applied. */
export async function unparkReady(options: Pick<UnparkOptions, 'pool' | 'handlers'>): Promise<number> {
  let applied = 0;
  for (const [consumer, handler] of Object.entries(options.handlers)) {
    for (const eventId of await readyParkedEvents(options.pool, consumer, batchLimit)) {
      const done = await withTransaction(options.pool, async (client) => {
        const envelope = await takeParkedEvent(client, consumer, eventId);
        if (envelope === undefined) return false;
        await handler(client, envelope);
        return true;
      });
      if (done) applied += 1;
    }
  }
  return applied;
}

/** Starts the loop; `stop` ends it after the pass in progress. */
export function startUnparkLoop(options: UnparkOptions): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  let stopped = false;
  const pass = async () => {
    try {
      const applied = await unparkReady(options);
      if (applied > 0) options.logger.info({ applied }, 'archive: parked events applied');
    } catch (error) {
      // The event stays parked (its transaction rolled back); the next pass tries it again.
      options.logger.warn({ err: error }, 'archive: a parked event could not be applied yet');
    }
  };
  const timer = setInterval(() => {
    // A pass still running (a long backlog, a slow database) is not joined by another.
    if (stopped || running !== undefined) return;
    running = pass().finally(() => {
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
