/**
 * The signing service's consumer of intake's directory (issue 16): `directory.changed` (topic
 * `lienthong.directory.changed.v1`, group `signing-directory`) registers the offices and
 * people the directory publishes (`directory-office.ts`). Each event is applied exactly once:
 * libs/db `handleOnce` in the same transaction as its effect. Data that breaks the schema
 * throws, so the bus retries it and then moves it to the dead-letter topic; nothing changes.
 */
import type { EventBus, Subscription } from '@lienthong/bus';
import { handleOnce, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { Clock } from '@lienthong/pki';
import { checkEvent, eventDefinitions, type DirectoryChanged } from '@lienthong/records';
import { applyDirectoryChange, type DirectoryOutcome } from './directory-office.ts';

/** The consumer group: every signing instance shares it, so each event is applied by one. */
export const directoryGroup = 'signing-directory';

/** The topic and group under the installation's `namespace` ('' for none), as intake publishes it. */
export function directoryTopic(namespace: string): { topic: string; group: string } {
  const at = (name: string): string => (namespace === '' ? name : `${namespace}.${name}`);
  return { topic: at(eventDefinitions.directoryChanged.topic), group: at(directoryGroup) };
}

/** What the consumer needs. */
export interface DirectoryConsumerOptions {
  pool: Pool;
  bus: EventBus;
  clock: Clock;
  log: { info(message: string): void; warn(message: string): void };
  /** The topic (default `lienthong.directory.changed.v1`; tests give their own). */
  topic?: string;
  /** The group (default `signing-directory`). */
  group?: string;
  /** Tries before the dead-letter topic (the bus's default when absent). */
  maxAttempts?: number;
  /** First retry delay, ms (the bus's default when absent). */
  retryBackoffMs?: number;
}

function describe(outcome: DirectoryOutcome): string | undefined {
  if (outcome.kind === 'applied')
    return `signing: directory registered ${outcome.office} at revision ${outcome.revision} (${outcome.peopleSet} person(s) set, ${outcome.peopleRemoved} removed)`;
  if (outcome.kind === 'stale')
    return `signing: directory revision ${outcome.revision} of ${outcome.office} ignored: revision ${outcome.stored} is applied`;
  return undefined;
}

/** Ensures the topic (and its dead-letter topic) and starts consuming; `stop()` the subscription to end. */
export async function startDirectoryConsumer(options: DirectoryConsumerOptions): Promise<Subscription> {
  const { pool, bus, clock, log } = options;
  const topic = options.topic ?? eventDefinitions.directoryChanged.topic;
  const group = options.group ?? directoryGroup;
  await bus.ensureTopics([topic]);
  return bus.subscribe({
    group,
    topics: [topic],
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
    ...(options.retryBackoffMs === undefined ? {} : { retryBackoffMs: options.retryBackoffMs }),
    handler: async (event) => {
      if (checkEvent(event).type !== eventDefinitions.directoryChanged.type)
        throw new Error(`signing: ${event.type} v${event.schemaVersion} on ${topic} is not directory.changed`);
      const outcome = await withTransaction(pool, async (client) => {
        if (!(await handleOnce(client, group, event.id))) return undefined;
        return applyDirectoryChange(client, event.data as DirectoryChanged, clock);
      });
      const line = outcome === undefined ? undefined : describe(outcome);
      if (line !== undefined) log.info(line);
    },
  });
}

/** How long a failed start of the consumer waits before the next try, ms. */
export const directoryRetryMs = 5_000;

/**
 * Runs the consumer for the life of the app without holding up its start: the CA's OCSP,
 * CRLs and time-stamps must answer even while the bus is unreachable. A start that fails
 * (the bus down, the group not joined) is logged and tried again every `retryMs`. `stop()`
 * ends it; a start still under way when it is called is stopped as soon as it succeeds.
 */
export function runDirectoryConsumer(options: DirectoryConsumerOptions & { retryMs?: number }): {
  stop(): Promise<void>;
} {
  const retryMs = options.retryMs ?? directoryRetryMs;
  let stopped = false;
  let subscription: Subscription | undefined;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;
  const attempt = async (): Promise<void> => {
    try {
      const started = await startDirectoryConsumer(options);
      if (stopped) await started.stop();
      else subscription = started;
    } catch (error) {
      if (stopped) return;
      options.log.warn(
        `signing: the directory consumer could not start (${error instanceof Error ? error.message : String(error)}); trying again in ${retryMs} ms`,
      );
      timer = setTimeout(() => void run(), retryMs);
      timer.unref();
    }
  };
  const run = (): void => {
    inFlight = attempt().finally(() => (inFlight = undefined));
  };
  run();
  return {
    // Waits for a start still under way (it stops what it started, or gives up within the bus's
    // join time limit), so no consumer or connection outlives the app.
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      await subscription?.stop();
    },
  };
}
