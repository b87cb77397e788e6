import type { Test } from 'tap';
import { dlqAttemptsHeader, dlqReasonHeader } from '../../src/headers.ts';
import { deadLetterTopic, type BatchInfo, type EventEnvelope } from '../../src/types.ts';
import { gate, makeEvent, randomName, waitFor, type BusHarness } from '../helpers.ts';

/** One call of a batch handler as the test saw it. */
interface Call {
  ns: number[];
  ids: string[];
  positions: string[];
  attempt: number;
  partition: number;
  /** The group's committed position when the call began. */
  committedBefore: string | undefined;
}

const nOf = (e: EventEnvelope): number => (e.data as { n: number }).n;

const callOf = (events: readonly EventEnvelope[], info: BatchInfo): Omit<Call, 'committedBefore'> => ({
  ns: events.map(nOf),
  ids: events.map((e) => e.id),
  positions: info.deliveries.map((d) => d.position),
  attempt: info.attempt,
  partition: info.partition,
});

const bounded = { timeout: 40_000 };
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Batch handlers (`handleBatch`) on every transport: the same suite runs on Kafka and on the Postgres log. */
export function batchSuite(t: Test, harness: BusHarness): void {
  void t.test(
    `${harness.name}: a batch handler gets runs of one partition in order, committed once after each run`,
    bounded,
    async (t) => {
      const { bus, newTopic, committed } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      const events = range(1, 120).map((n) => makeEvent(topic, 'office-1', n));
      await bus.publish(events);
      const group = randomName('g');
      const calls: Call[] = [];
      const sub = await bus.subscribe({
        group,
        topics: [topic],
        maxBatch: 50,
        handleBatch: async (batch, info) => {
          calls.push({ ...callOf(batch, info), committedBefore: await committed(group, topic, info.partition) });
        },
      });
      t.teardown(() => sub.stop());
      await waitFor(() => calls.flatMap((c) => c.ns).length >= 120, 30_000, '120 events');
      await waitFor(
        async () => (await committed(group, topic, calls[0]!.partition)) === calls.at(-1)!.positions.at(-1),
        20_000,
        'the last run committed',
      );
      t.same(
        calls.flatMap((c) => c.ns),
        range(1, 120),
        'every event once, in the order published',
      );
      t.ok(
        calls.every((c) => c.ns.length >= 1 && c.ns.length <= 50),
        `runs of at most maxBatch: ${calls.map((c) => c.ns.length).join(', ')}`,
      );
      t.ok(
        calls.some((c) => c.ns.length > 1),
        'events waiting together are handed over together',
      );
      t.ok(
        calls.every((c) => c.attempt === 1 && c.partition === calls[0]!.partition),
        'first tries, one partition',
      );
      t.same(
        calls.map((c) => c.committedBefore),
        [undefined, ...calls.slice(0, -1).map((c) => c.positions.at(-1))],
        'each run began where the one before was committed: one commit per run, none inside a run',
      );
    },
  );

  void t.test(
    `${harness.name}: a batch that keeps failing goes one event at a time: only the bad event and poison are dead`,
    bounded,
    async (t) => {
      const { bus, newTopic, publishRaw, readRaw } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      const early = range(1, 4).map((n) => makeEvent(topic, 'k', n));
      await bus.publish(early);
      await publishRaw(topic, 'k', '{"id": "not an envelope"');
      const events = range(5, 10).map((n) => makeEvent(topic, 'k', n));
      await bus.publish(events);
      const calls: Array<Omit<Call, 'committedBefore'>> = [];
      const handled: number[] = [];
      const sub = await bus.subscribe({
        group: randomName('g'),
        topics: [topic],
        maxAttempts: 3,
        retryBackoffMs: 10,
        handleBatch: async (batch, info) => {
          calls.push(callOf(batch, info));
          // As a transaction would: the whole batch or nothing of it.
          if (batch.some((e) => nOf(e) === 7)) throw new Error('document 7 is broken');
          handled.push(...batch.map(nOf));
        },
      });
      t.teardown(() => sub.stop());
      await waitFor(() => handled.includes(10), 30_000, 'event 10');
      t.same(handled, [1, 2, 3, 4, 5, 6, 8, 9, 10], 'every good event handled once, in order');
      t.same(
        calls.filter((c) => c.ns.includes(7) && c.ns.length > 1).map((c) => c.attempt),
        [1, 2, 3],
        'the batch tried maxAttempts times',
      );
      const published = new Set([...early, ...events].map((e) => e.envelope.id));
      t.ok(
        calls.every((c) => c.ids.every((id) => published.has(id))),
        'poison never reaches the handler',
      );
      t.same(
        calls.filter((c) => c.ns.length === 1 && c.ns[0] === 7).map((c) => c.attempt),
        [1, 2, 3],
        'then event 7 alone, tried maxAttempts times',
      );
      const dead = await readRaw(deadLetterTopic(topic), 2);
      const letters = new Map(dead.map((d) => [d.value.startsWith('{"id": "not') ? 'poison' : 'seven', d]));
      t.equal(dead.length, 2, 'two dead letters');
      t.match(letters.get('poison')?.headers[dlqReasonHeader], /^poison: /);
      t.equal(letters.get('poison')?.headers[dlqAttemptsHeader], '0');
      t.equal(
        (JSON.parse(letters.get('seven')?.value ?? '{}') as { id?: string }).id,
        events[2]?.envelope.id,
        'the dead letter is event 7',
      );
      t.match(letters.get('seven')?.headers[dlqReasonHeader], /handler failed 3 times: document 7 is broken/);
      t.equal(letters.get('seven')?.headers[dlqAttemptsHeader], '3');
    },
  );

  void t.test(`${harness.name}: a failed batch is tried again whole, in place`, bounded, async (t) => {
    const { bus, newTopic, readRaw } = await harness.open(t);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    await bus.publish(range(1, 20).map((n) => makeEvent(topic, 'k', n)));
    const calls: Array<Omit<Call, 'committedBefore'>> = [];
    const handled: number[] = [];
    let failures = 0;
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      retryBackoffMs: 10,
      handleBatch: async (batch, info) => {
        calls.push(callOf(batch, info));
        if (failures++ === 0) throw new Error('database restarting');
        if (info.deliveries.some((d) => d.attempt !== info.attempt)) throw new Error('attempts differ');
        handled.push(...batch.map(nOf));
      },
    });
    t.teardown(() => sub.stop());
    await waitFor(() => handled.includes(20), 30_000, 'event 20');
    t.same(handled, range(1, 20), 'each event handled once, in order');
    t.same(calls[1]?.ns, calls[0]?.ns, 'the same batch again');
    t.same(
      calls.slice(0, 2).map((c) => c.attempt),
      [1, 2],
    );
    t.ok(
      calls.slice(2).every((c) => c.attempt === 1),
      'later batches start afresh',
    );
    await bus.publish([makeEvent(deadLetterTopic(topic), 'marker', 0)]);
    const dead = await readRaw(deadLetterTopic(topic), 1);
    t.equal(dead[0]?.key, 'marker', 'nothing went to the dead-letter topic before the marker');
  });

  void t.test(
    `${harness.name}: a batch abandoned when the consumer stops comes again whole, nothing lost`,
    bounded,
    async (t) => {
      const { bus, newTopic } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      const group = randomName('g');
      await bus.publish(range(1, 30).map((n) => makeEvent(topic, `k${n % 3}`, n)));
      const stuck = gate();
      const reached = gate();
      const first: number[][] = [];
      const crashing = await bus.subscribe({
        group,
        topics: [topic],
        maxBatch: 10,
        handleBatch: async (batch) => {
          first.push(batch.map(nOf));
          if (first.length === 2) {
            reached.open();
            await stuck.promise;
            throw new Error('process killed');
          }
        },
      });
      await reached.promise;
      const stopping = crashing.stop();
      stuck.open();
      await stopping;
      const again: number[][] = [];
      const next = await bus.subscribe({
        group,
        topics: [topic],
        maxBatch: 10,
        handleBatch: async (batch) => void again.push(batch.map(nOf)),
      });
      t.teardown(() => next.stop());
      const handledFirst = first.slice(0, 1).flat();
      await waitFor(() => new Set([...handledFirst, ...again.flat()]).size >= 30, 30_000, '30 events');
      t.ok(
        first[1]!.every((n) => again.flat().includes(n)),
        'the abandoned batch came again',
      );
      t.same(
        [...new Set([...handledFirst, ...again.flat()])].sort((x, y) => x - y),
        range(1, 30),
        'nothing lost',
      );
    },
  );
}
