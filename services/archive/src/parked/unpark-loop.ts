/**
 * The retry of parked events: every `intervalMs`, each event parked by a consumer whose record
 * now has a package is handed to that consumer's handler, which takes it (`takeParkedEvent`,
 * the DELETE decides who) in the transaction that applies it; so an event that overtook
 * `document.issued` is applied once the record is archived, never lost and never twice. The
 * handler does its own transactions: one that reads or writes the store does that outside any.
 */
import type { EventEnvelope } from '@lienthong/bus';
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { readyParkedEvents } from './parked-events.ts';
import { startSchedule } from '../schedule.ts';
import type { Schedule } from '../schedule.ts';

/** Applies one parked event, taking it from `parked_event` in the transaction that applies it. */
export type ParkedHandler = (envelope: EventEnvelope) => Promise<unknown>;

/** What the loop needs: the pool, the handler of each consumer, the interval. */
export interface UnparkOptions {
  pool: Pool;
  handlers: Readonly<Record<string, ParkedHandler>>;
  intervalMs: number;
  logger: Pick<Logger, 'info' | 'warn'>;
}

/** At most this many events of one consumer per pass: a long backlog is worked through pass by pass. */
const batchLimit = 200;

/**
 * One pass over every consumer's ready events; returns how many were handled. An event whose
 * handler throws stays parked (logged at warn) and is tried at the next pass; the others go on.
 */
export async function unparkReady(options: Pick<UnparkOptions, 'pool' | 'handlers' | 'logger'>): Promise<number> {
  let applied = 0;
  for (const [consumer, handler] of Object.entries(options.handlers)) {
    for (const envelope of await readyParkedEvents(options.pool, consumer, batchLimit)) {
      try {
        await handler(envelope);
        applied += 1;
      } catch (error) {
        options.logger.warn(
          { err: error, consumer, eventId: envelope.id, type: envelope.type },
          'archive: a parked event could not be applied; it stays parked',
        );
      }
    }
  }
  return applied;
}

/** Starts the loop; `stop` ends it after the pass in progress. */
export function startUnparkLoop(options: UnparkOptions): Schedule {
  return startSchedule(
    async () => {
      const applied = await unparkReady(options);
      if (applied > 0) options.logger.info({ applied }, 'archive: parked events applied');
    },
    // A pass that fails leaves its event parked (its transaction rolled back); the next tries it again.
    { intervalMs: options.intervalMs, logger: options.logger, what: 'parked events' },
  );
}
