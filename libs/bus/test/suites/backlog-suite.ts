import type { Test } from 'tap';
import type { BusBacklog } from '../../src/bus-backlog.ts';
import type { DeadLetters } from '../../src/dead-letters.ts';
import { deadLetterTopic } from '../../src/types.ts';
import { makeEvent, randomName, waitFor, type BusHarness } from '../helpers.ts';

const bounded = { timeout: 90_000 };

/** What waits on the bus (consumer lag, dead letters not replayed): the same suite on Kafka and on the Postgres log. */
export function backlogSuite(t: Test, harness: BusHarness): void {
  void t.test(`${harness.name}: a group's lag is what it has not consumed`, bounded, async (t) => {
    const context = await harness.open(t);
    const { bus, newTopic } = context;
    const backlog: BusBacklog = context.openBacklog();
    t.teardown(() => backlog.close());
    const topic = await newTopic();
    const never = await newTopic();
    await bus.ensureTopics([topic]);
    const group = randomName('g');
    t.same(await backlog.consumerLag(group, [topic, never]), [
      { group, topic, lag: 0 },
      { group, topic: never, lag: 0 },
    ]);
    await bus.publish([1, 2, 3].map((n) => makeEvent(topic, `k${n}`, n)));
    t.same(await backlog.consumerLag(group, [topic]), [{ group, topic, lag: 3 }], 'a group that never read: all of it');
    const handled: number[] = [];
    const sub = await bus.subscribe({
      group,
      topics: [topic],
      handler: async (event) => {
        handled.push((event.data as { n: number }).n);
      },
    });
    t.teardown(() => sub.stop());
    await waitFor(() => handled.length === 3, 30_000, 'three events handled');
    await waitFor(async () => (await backlog.consumerLag(group, [topic]))[0]?.lag === 0, 30_000, 'no lag');
    const other = randomName('g');
    t.same(await backlog.consumerLag(other, [topic]), [{ group: other, topic, lag: 3 }], 'another group: all of it');
  });

  void t.test(`${harness.name}: dead letters wait until replayed`, bounded, async (t) => {
    const context = await harness.open(t);
    const { bus, newTopic, readRaw } = context;
    const backlog = context.openBacklog();
    const desk: DeadLetters = context.openDeadLetters();
    t.teardown(async () => {
      await backlog.close();
      await desk.close();
    });
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    t.same(await backlog.deadLetters([topic]), [{ topic, waiting: 0 }], 'none yet');
    let broken = true;
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      maxAttempts: 1,
      handler: async () => {
        if (broken) throw new Error('down');
      },
    });
    t.teardown(() => sub.stop());
    const events = [1, 2, 3].map((n) => makeEvent(topic, 'one-key', n));
    await bus.publish(events);
    await readRaw(deadLetterTopic(topic), 3);
    t.same(await backlog.deadLetters([topic]), [{ topic, waiting: 3 }], 'three dead letters');
    broken = false;
    // The middle one first: replayed above the ledger's contiguous prefix on Kafka.
    await desk.replay({ topic, select: { eventIds: [events[1]!.envelope.id] } });
    t.same(await backlog.deadLetters([topic]), [{ topic, waiting: 2 }], 'one replayed');
    await desk.replay({ topic });
    t.same(await backlog.deadLetters([topic]), [{ topic, waiting: 0 }], 'all replayed');
  });
}
