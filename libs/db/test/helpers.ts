import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import type { Pool } from 'pg';
import type { EventPublisher, OutgoingEvent } from '@lienthong/bus';
import { createPool, type PoolOptions } from '../src/pool.ts';
import type { OutboxEvent } from '../src/types.ts';

interface Teardown {
  teardown(fn: () => Promise<void> | void): void;
}

/** A fresh random schema on `url`, with pools that are closed and a schema dropped after the test. */
export function useSchema(
  t: Teardown,
  url: string,
): { schema: string; makePool: (max?: number, options?: PoolOptions) => Pool } {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const pools: Pool[] = [];
  t.teardown(async () => {
    await Promise.all(pools.map((p) => p.end()));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin.end();
  });
  return {
    schema,
    makePool: (max = 5, options: PoolOptions = {}): Pool => {
      const pool = createPool({ url, schema, maxConnections: max, applicationName: `test-${schema}` }, options);
      pools.push(pool);
      return pool;
    },
  };
}

/** An event on `key` whose data carries `n`, with a fresh UUID. */
export function makeEvent(key: string, n: number): OutboxEvent {
  return {
    topic: 'lienthong.test.v1',
    key,
    envelope: {
      id: randomUUID(),
      type: 'test.happened',
      schemaVersion: 1,
      source: 'db-test',
      subject: key,
      time: '2026-01-01T00:00:00.000Z',
      data: { n },
    },
  };
}

/**
 * Our own `EventPublisher` that keeps what it was given, in order. `crashAfterRecord`
 * makes the next calls record and then throw, as a relay crashing between publish and mark;
 * `refuseAt` makes the calls of those numbers (1 = the first) throw without recording, as a
 * bus that never got the batch. `ackDelayMs` holds each acknowledgement back, so a relay
 * has time to work ahead; `maxConcurrent` is the most calls seen in flight at once.
 */
export class RecordingPublisher implements EventPublisher {
  readonly events: OutgoingEvent[] = [];
  readonly batchSizes: number[] = [];
  crashAfterRecord = 0;
  refuseAt = new Set<number>();
  /** Calls (1-based) that record their events and then fail, as a crash between publish and mark. */
  crashAt = new Set<number>();
  ackDelayMs = 0;
  calls = 0;
  maxConcurrent = 0;
  private concurrent = 0;

  async publish(events: OutgoingEvent[]): Promise<void> {
    const call = ++this.calls;
    this.concurrent++;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.concurrent);
    try {
      if (this.ackDelayMs > 0) await sleep(this.ackDelayMs);
      if (this.refuseAt.has(call)) throw new Error('simulated bus failure: batch not taken');
      this.events.push(...events);
      this.batchSizes.push(events.length);
      if (this.crashAt.has(call)) throw new Error('simulated crash after publish, before mark');
      if (this.crashAfterRecord > 0) {
        this.crashAfterRecord--;
        throw new Error('simulated crash after publish, before mark');
      }
    } finally {
      this.concurrent--;
    }
  }

  /** Ids in order of first delivery (what a de-duplicating consumer sees). */
  firstDeliveries(): string[] {
    const seen = new Set<string>();
    const ids: string[] = [];
    for (const e of this.events) {
      if (!seen.has(e.envelope.id)) {
        seen.add(e.envelope.id);
        ids.push(e.envelope.id);
      }
    }
    return ids;
  }
}

/** Polls `condition` until true; fails after `timeoutMs` (a bound, not a timing assertion). */
export async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}
