/**
 * The consumer of `delivery.evidence-stamped` v1 (README "Evidence ingest"), one event at a
 * time, in the order of each document's events. "Not now" (the store not vouched for, signing's
 * CA unreachable, the store or database gone, another addition to the same package first, no
 * worker thread to check the part) is
 * waited out in place, the event unacknowledged; a refusal takes the bus's path to the
 * dead-letter topic.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventBus, EventEnvelope } from '@lienthong/bus';
import { eventDefinitions } from '@lienthong/records';
import type { Logger } from '@lienthong/service';
import { isTransient } from '../ingest/ingest-errors.ts';
import { WorkerUnavailable } from './evidence-check.ts';
import { ingestEvidence, PackageChanged } from './ingest-evidence.ts';
import type { EvidenceIngestDeps, EvidenceOutcome } from './ingest-evidence.ts';

/** The topic and group under `namespace` ('' for none), as `ingestTopics`. */
export function evidenceTopics(namespace: string): { topic: string; group: string } {
  const at = (name: string) => (namespace === '' ? name : `${namespace}.${name}`);
  return { topic: at(eventDefinitions.deliveryEvidenceStamped.topic), group: at('archive-evidence') };
}

/** What the consumer needs besides the ingest's dependencies. */
export interface EvidenceConsumerDeps extends EvidenceIngestDeps {
  bus: EventBus;
  topics: { topic: string; group: string };
  logger: Pick<Logger, 'info' | 'warn'>;
  retryMinMs: number;
  retryMaxMs: number;
}

/** Whether `error` says "not now" for an evidence event. */
export const isEvidenceTransient = (error: unknown): boolean =>
  isTransient(error) || error instanceof PackageChanged || error instanceof WorkerUnavailable;

/** `ingestEvidence`, waiting out "not now" until done or `signal` aborts. */
export async function ingestEvidencePatiently(
  deps: Omit<EvidenceConsumerDeps, 'bus' | 'topics'>,
  event: EventEnvelope,
  signal: AbortSignal,
  parked = false,
): Promise<EvidenceOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestEvidence(deps, event, parked);
    } catch (error) {
      if (!isEvidenceTransient(error) || signal.aborted) throw error;
      const waitMs = Math.min(deps.retryMaxMs, deps.retryMinMs * 2 ** Math.min(attempt - 1, 30));
      deps.logger.warn({ err: error, eventId: event.id, attempt, waitMs }, 'archive: evidence not added yet');
      await sleep(waitMs, undefined, { signal });
    }
  }
}

/** Creates the topic and starts the subscription; `stop` ends it. */
export async function startEvidenceConsumer(deps: EvidenceConsumerDeps): Promise<{ stop(): Promise<void> }> {
  await deps.bus.ensureTopics([deps.topics.topic]);
  const closing = new AbortController();
  const subscription = await deps.bus.subscribe({
    group: deps.topics.group,
    topics: [deps.topics.topic],
    handler: async (event) => {
      const outcome = await ingestEvidencePatiently(deps, event, closing.signal);
      if (outcome === 'added' || outcome === 'parked')
        deps.logger.info({ documentId: event.subject, eventId: event.id, outcome }, 'archive: delivery evidence');
    },
  });
  return {
    async stop() {
      closing.abort();
      await subscription.stop();
    },
  };
}
