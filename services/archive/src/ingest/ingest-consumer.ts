/**
 * The consumer of `document.issued` (README "Ingest"), in batches of a partition (one commit
 * of the position per batch), a few records of a batch archived at the same time. An event that
 * cannot be archived *now* — the store self-test does not vouch for the bucket, signing or the
 * store is unreachable — is tried again in place, waiting longer each time up to a ceiling,
 * for as long as it takes: its batch is not acknowledged meanwhile, so nothing is lost and the
 * position never passes it (the other records of its batch go on, each committed once). Anything
 * else fails the handler and takes the bus's path: its retries, then the dead-letter topic
 * (`lienthong dlq replay` once fixed).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import type { Logger } from '@lienthong/service';
import { isTransient } from './ingest-errors.ts';
import type { IngestCarry, IngestDeps } from './ingest-issued.ts';
import { ingestIssued } from './ingest-issued.ts';
import type { IngestResult } from './ingest-metrics.ts';
import type { IngestTopics } from './ingest-topics.ts';

/** Most events of one partition taken at once (one commit of the position after them). */
export const ingestBatchSize = 64;

/**
 * Most records of a batch archived at the same time: the waits for signing and the store
 * overlap; each holds at most `inMemoryPdfLimit` of PDF. Each still commits alone.
 */
export const ingestConcurrency = 8;

/** Tries of an event the archive refuses before the bus puts it in the dead-letter topic (the bus's default). */
export const ingestMaxAttempts = 5;

/** What the consumer needs besides the ingest's own dependencies. */
export interface IngestConsumerDeps extends IngestDeps {
  bus: EventBus;
  topics: IngestTopics;
  logger: Pick<Logger, 'info' | 'warn'>;
  /** First and longest wait between tries of an event that cannot be archived yet, ms. */
  retryMinMs: number;
  retryMaxMs: number;
  /** Told what became of each try (the metrics' counter). */
  onResult?: (result: IngestResult) => void;
}

/**
 * Most events whose tries' leftovers (`IngestCarry`: the PDF's copy) are kept for their next
 * try; past it the oldest are forgotten (their next try writes another copy). An event's entry
 * goes when it is archived, found archived, or dead-lettered.
 */
const carriedEvents = 1024;

/** Archives `event`, waiting out transient failures until it is done or `signal` aborts. */
async function ingestPatiently(
  deps: IngestConsumerDeps,
  event: EventEnvelope,
  signal: AbortSignal,
  carry: IngestCarry,
) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestIssued(deps, event, carry);
    } catch (error) {
      if (!isTransient(error) || signal.aborted) throw error;
      deps.onResult?.('retried');
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

/**
 * Runs `work` over `items`, at most `limit` at a time; rejects with the first failure once every
 * started item has settled (none left running behind the caller's back).
 */
async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const index = next++;
      try {
        await work(items[index]!, index);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failure !== undefined) throw failure.error;
}

/** Creates the topic and starts the subscription; `stop` ends it (an event waiting out a failure is abandoned, not lost). */
export async function startIngestConsumer(deps: IngestConsumerDeps): Promise<{ stop(): Promise<void> }> {
  await deps.bus.ensureTopics([deps.topics.issued]);
  const closing = new AbortController();
  // Per event id, across the tries in place and the bus's own retries of a failed batch.
  const carries = new Map<string, IngestCarry>();
  const carryOf = (id: string): IngestCarry => {
    let carry = carries.get(id);
    if (carry === undefined) {
      carries.set(id, (carry = {}));
      if (carries.size > carriedEvents) carries.delete(carries.keys().next().value!);
    }
    return carry;
  };
  const subscription = await deps.bus.subscribe({
    group: deps.topics.group,
    topics: [deps.topics.issued],
    maxBatch: ingestBatchSize,
    maxAttempts: ingestMaxAttempts,
    // A batch that fails for good (one event the archive refuses) is tried again, then handed
    // over one event at a time, so only that event goes to the dead-letter topic; the others
    // find their packages (or are archived) again, each once.
    handleBatch: async (events, info) => {
      try {
        await eachLimited(events, ingestConcurrency, async (event, i) => {
          const outcome = await ingestPatiently(deps, event, closing.signal, carryOf(event.id));
          carries.delete(event.id);
          if (outcome !== 'ignored') deps.onResult?.(outcome);
          if (outcome === 'archived')
            deps.logger.info(
              { documentId: event.subject, eventId: event.id, position: info.deliveries[i]?.position },
              'archive: document archived',
            );
        });
      } catch (error) {
        // A batch of one failing its last try is what the bus dead-letters (a longer batch
        // that fails is handed over again one event at a time); a stop abandons, not refuses.
        if (events.length === 1 && info.attempt >= ingestMaxAttempts && !closing.signal.aborted) {
          deps.onResult?.('dead-lettered');
          carries.delete(events[0]!.id);
        }
        throw error;
      }
    },
  });
  return {
    async stop() {
      closing.abort();
      await subscription.stop();
    },
  };
}
