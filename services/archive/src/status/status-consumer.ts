/**
 * The consumer of intake's status events (README "Status updates"), one at a time. A database
 * outage is waited out in place (the event stays unacknowledged, as in the ingest); an event
 * whose data is not valid fails the handler and takes the bus's path to the dead-letter topic.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import type { Pool } from '@lienthong/db';
import type { Logger } from '@lienthong/service';
import { isTransient } from '../ingest/ingest-errors.ts';
import { applyStatusEvent } from './apply-status.ts';
import type { StatusOutcome } from './apply-status.ts';
import type { StatusTopics } from './status-topics.ts';

/** What the consumer needs. */
export interface StatusConsumerDeps {
  pool: Pool;
  bus: EventBus;
  topics: StatusTopics;
  logger: Pick<Logger, 'info' | 'warn'>;
  retryMinMs: number;
  retryMaxMs: number;
  now?: () => Date;
}

async function applyPatiently(deps: StatusConsumerDeps, event: EventEnvelope, signal: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await applyStatusEvent(deps.pool, event, deps.now);
    } catch (error) {
      if (!isTransient(error) || signal.aborted) throw error;
      const waitMs = Math.min(deps.retryMaxMs, deps.retryMinMs * 2 ** Math.min(attempt - 1, 30));
      deps.logger.warn({ err: error, eventId: event.id, attempt, waitMs }, 'archive: status event not applied yet');
      await sleep(waitMs, undefined, { signal });
    }
  }
}

/** Creates the topics and starts the subscription; `stop` ends it. */
export async function startStatusConsumer(deps: StatusConsumerDeps): Promise<{ stop(): Promise<void> }> {
  await deps.bus.ensureTopics(deps.topics.topics);
  const closing = new AbortController();
  const subscription = await deps.bus.subscribe({
    group: deps.topics.group,
    topics: deps.topics.topics,
    handler: async (event) => {
      const outcome: StatusOutcome = await applyPatiently(deps, event, closing.signal);
      if (outcome === 'changed' || outcome === 'parked')
        deps.logger.info(
          { documentId: event.subject, eventId: event.id, type: event.type, outcome },
          'archive: status event',
        );
    },
  });
  return {
    async stop() {
      closing.abort();
      await subscription.stop();
    },
  };
}
