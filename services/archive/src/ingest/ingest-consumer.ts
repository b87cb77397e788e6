/**
 * The consumer of `document.issued` (README "Ingest"), one event at a time. An event that
 * cannot be archived *now* — the store self-test does not vouch for the bucket, signing or the
 * store is unreachable — is tried again in place, waiting longer each time up to a ceiling,
 * for as long as it takes: it is not acknowledged meanwhile, so nothing is lost and nothing
 * behind it is archived out of order. Anything else fails the handler and takes the bus's
 * path: its retries, then the dead-letter topic (`lienthong dlq replay` once fixed).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import type { Logger } from '@lienthong/service';
import { isTransient } from './ingest-errors.ts';
import type { IngestDeps } from './ingest-issued.ts';
import { ingestIssued } from './ingest-issued.ts';
import type { IngestTopics } from './ingest-topics.ts';

/** What the consumer needs besides the ingest's own dependencies. */
export interface IngestConsumerDeps extends IngestDeps {
  bus: EventBus;
  topics: IngestTopics;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** First and longest wait between tries of an event that cannot be archived yet, ms. */
  retryMinMs: number;
  retryMaxMs: number;
}

/** Archives `event`, waiting out transient failures until it is done or `signal` aborts. */
async function ingestPatiently(deps: IngestConsumerDeps, event: EventEnvelope, signal: AbortSignal) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestIssued(deps, event);
    } catch (error) {
      if (!isTransient(error) || signal.aborted) throw error;
      const waitMs = Math.min(deps.retryMaxMs, deps.retryMinMs * 2 ** Math.min(attempt - 1, 30));
      deps.logger.warn(
        { err: error, eventId: event.id, documentId: event.subject, attempt, waitMs },
        'archive: the document cannot be archived yet; trying again',
      );
      // Rejects with an AbortError when the app closes: the event stays unacknowledged and comes again.
      await sleep(waitMs, undefined, { signal });
    }
  }
}

/** Creates the topic and starts the subscription; `stop` ends it (an event waiting out a failure is abandoned, not lost). */
export async function startIngestConsumer(deps: IngestConsumerDeps): Promise<{ stop(): Promise<void> }> {
  await deps.bus.ensureTopics([deps.topics.issued]);
  const closing = new AbortController();
  const subscription = await deps.bus.subscribe({
    group: deps.topics.group,
    topics: [deps.topics.issued],
    handler: async (event, info) => {
      const outcome = await ingestPatiently(deps, event, closing.signal);
      if (outcome === 'archived')
        deps.logger.info(
          { documentId: event.subject, eventId: event.id, position: info.position },
          'archive: document archived',
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
