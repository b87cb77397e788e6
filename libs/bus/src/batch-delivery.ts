import { backOff, deliverEnvelope, parseDelivery, type RawDelivery, type RetryPolicy } from './delivery.ts';
import { messageOf } from './errors.ts';
import type { BatchHandler, EventEnvelope, SubscribeOptions } from './types.ts';

/** How one message of a run ended once it is settled: handled, or for the dead-letter topic. */
export type SettledOutcome = { kind: 'done' } | { kind: 'dead'; reason: string; attempts: number };

/** Retry policy and hooks of a consumer, with its handler as a handler of batches. */
export interface RunPolicy extends RetryPolicy {
  handleBatch: BatchHandler;
}

/** Most events a batch handler gets at once unless `maxBatch` says otherwise. */
export const defaultMaxBatch = 500;

/**
 * The handler of a subscription as a batch handler, with the most events per run: a handler
 * of one event becomes a batch handler of runs of one, so both forms share one path and a
 * handler of one event commits after every event as it always did.
 */
export function runHandlerOf(options: SubscribeOptions): { handleBatch: BatchHandler; maxBatch: number } {
  if (options.handleBatch !== undefined) {
    const maxBatch = options.maxBatch ?? defaultMaxBatch;
    if (!Number.isInteger(maxBatch) || maxBatch < 1) throw new RangeError('maxBatch must be an integer >= 1');
    return { handleBatch: options.handleBatch, maxBatch };
  }
  const handler = options.handler;
  return { handleBatch: (events, info) => handler(events[0]!, info.deliveries[0]!), maxBatch: 1 };
}

/** Splits `items` into runs of at most `size`, in order. */
export function runsOf<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let i = 0; i < items.length; i += size) runs.push(items.slice(i, i + size));
  return runs;
}

/** Tries the whole batch up to `maxAttempts` times; what became of it. */
async function tryBatch(
  run: readonly RawDelivery[],
  valid: ReadonlyArray<{ index: number; envelope: EventEnvelope }>,
  policy: RunPolicy,
): Promise<'done' | 'failed' | 'abandoned'> {
  const first = run[0]!.info;
  const events = valid.map((v) => v.envelope);
  for (let attempt = 1; ; attempt++) {
    if (policy.signal.aborted) return 'abandoned';
    try {
      await policy.handleBatch(events, {
        topic: first.topic,
        partition: first.partition ?? 0,
        attempt,
        deliveries: valid.map((v) => ({ ...run[v.index]!.info, attempt })),
      });
      return 'done';
    } catch (err) {
      if (policy.signal.aborted) return 'abandoned';
      const log = {
        err,
        topic: first.topic,
        from: first.position,
        to: run.at(-1)!.info.position,
        events: events.length,
        attempt,
      };
      if (attempt >= policy.maxAttempts) {
        policy.logger.warn(log, `batch failed ${attempt} times (${messageOf(err)}); its events go one at a time`);
        return 'failed';
      }
      policy.logger.warn(log, 'batch handler failed; retrying the batch');
      if (!(await backOff(policy, attempt))) return 'abandoned';
    }
  }
}

/**
 * Hands a run of messages of one partition, in order, to the batch handler and says how
 * each ended, for the longest settled prefix (shorter than the run when the consumer
 * stops): what the transport commits. Poison is dead at once and never handed over. The
 * other events go as one batch, tried up to `maxAttempts` times with backoff; a batch that
 * keeps failing is handed over again one event at a time, each with its own tries, so one
 * bad event goes to the dead-letter topic alone, with its own reason, and the others are
 * handled. A run of one valid event goes straight to that per-event path, which is then
 * exactly the delivery of a handler of one event.
 */
export async function deliverRun(run: readonly RawDelivery[], policy: RunPolicy): Promise<SettledOutcome[]> {
  const outcomes: Array<SettledOutcome | undefined> = run.map(() => undefined);
  const valid: Array<{ index: number; envelope: EventEnvelope }> = [];
  run.forEach((raw, index) => {
    const parsed = parseDelivery(raw, policy.logger);
    if ('envelope' in parsed) valid.push({ index, envelope: parsed.envelope });
    else outcomes[index] = parsed;
  });
  const batch = valid.length > 1 ? await tryBatch(run, valid, policy) : 'failed';
  if (batch === 'done') for (const v of valid) outcomes[v.index] = { kind: 'done' };
  if (batch === 'failed') {
    for (const v of valid) {
      const outcome = await deliverEnvelope(v.envelope, run[v.index]!, {
        ...policy,
        handler: (envelope, info) =>
          policy.handleBatch([envelope], {
            topic: info.topic,
            partition: info.partition ?? 0,
            attempt: info.attempt,
            deliveries: [info],
          }),
      });
      if (outcome.kind === 'abandoned') break;
      outcomes[v.index] = outcome;
    }
  }
  const settled = outcomes.findIndex((o) => o === undefined);
  return (settled === -1 ? outcomes : outcomes.slice(0, settled)) as SettledOutcome[];
}
