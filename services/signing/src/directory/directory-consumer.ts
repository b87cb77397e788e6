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
