import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEnvelope } from '../src/envelope.ts';
import type { BusBacklog } from '../src/bus-backlog.ts';
import type { DeadLetters } from '../src/dead-letters.ts';
import type { EventBus, OutgoingEvent } from '../src/types.ts';

/** Registers cleanup with the running test. */
export interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

/** A raw message as read back from a topic, bytes decoded as UTF-8. */
export interface RawMessage {
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** One transport under test; every test gets fresh topics and groups. */
export interface BusHarness {
  name: string;
  /** A bus on a fresh namespace (Postgres schema; Kafka has one namespace), closed after the test. */
  open(t: Teardown): Promise<HarnessContext>;
}

/** What a test gets from the harness. */
export interface HarnessContext {
  bus: EventBus;
  /** A second bus on the same namespace, as another process would have. */
  anotherBus: () => Promise<EventBus>;
  /** A fresh topic name (created with its `.dlq` through `bus.ensureTopics`, removed after). */
  newTopic: () => Promise<string>;
  /** Writes bytes that bypass envelope checks (what a broken producer would send). */
  publishRaw: (topic: string, key: string, value: string) => Promise<void>;
  /** Reads the first `count` messages of a topic, bounded by a timeout. */
  readRaw: (topic: string, count: number) => Promise<RawMessage[]>;
  /**
   * The position of the last event `group` committed on `topic` (its partition `partition`):
   * a Kafka offset or a log sequence, as in `DeliveryInfo.position`; undefined before any.
   */
  committed: (group: string, topic: string, partition: number) => Promise<string | undefined>;
  /** The operator's dead letters of this namespace (closed by the caller). */
  openDeadLetters: () => DeadLetters;
  /** What waits on this namespace (closed by the caller). */
  openBacklog: () => BusBacklog;
}

/** A random name part. */
export const randomName = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`;

/** An event on `key` whose data carries `n`. */
export function makeEvent(topic: string, key: string, n: number): OutgoingEvent<{ n: number }> {
  return {
    topic,
    key,
    envelope: createEnvelope({ type: 'test.happened', source: 'bus-test', subject: key, data: { n } }),
  };
}

/** Polls `condition` until true; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor(
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} not met in ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** A promise the test opens by hand. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Events of one topic, grouped by key, each key's list in delivery order. */
export function byKey<T extends { key: string }>(items: T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) map.set(item.key, [...(map.get(item.key) ?? []), item]);
  return map;
}
