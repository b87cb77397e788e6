import type { Test } from 'tap';
import {
  dlqAttemptsHeader,
  dlqReasonHeader,
  dlqSourceTopicHeader,
  eventIdHeader,
  eventTypeHeader,
  traceparentHeader,
} from '../../src/headers.ts';
import { deadLetterTopic, type DeliveryInfo, type EventEnvelope } from '../../src/types.ts';
import { createEnvelope } from '../../src/envelope.ts';
import { byKey, gate, makeEvent, randomName, waitFor, type BusHarness } from '../helpers.ts';

interface Seen {
  key: string;
  n: number;
  id: string;
  attempt: number;
}

const seenOf = (event: EventEnvelope, info: DeliveryInfo): Seen => ({
  key: info.key,
  n: (event.data as { n: number }).n,
  id: event.id,
  attempt: info.attempt,
});

const bounded = { timeout: 30_000 };

/** What a handler sees on every transport: the same suite runs on Kafka and on the Postgres log. */
export function busSuite(t: Test, harness: BusHarness): void {
  void t.test(`${harness.name}: publish then consume keeps the envelope intact`, bounded, async (t) => {
    const { bus, newTopic } = await harness.open(t);
    await bus.ping();
    const [a, b] = [await newTopic(), await newTopic()];
    const topics = [a, b];
    await bus.ensureTopics(topics);
    const envelope = createEnvelope({
      type: 'document.issued',
      source: 'intake',
      subject: 'doc-1',
      data: { number: '12-QĐ/TU', recipients: ['a', 'b'], nested: { ok: true } },
      traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
    });
    const got: Array<{ envelope: EventEnvelope; info: DeliveryInfo }> = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics,
      handler: async (e, info) => void got.push({ envelope: e, info }),
    });
    t.teardown(() => sub.stop());
    await bus.publish([{ topic: a, key: 'office-1', envelope }, makeEvent(b, 'office-2', 7)]);
    await waitFor(() => got.length >= 2, 20_000, 'two deliveries');
    const first = got.find((g) => g.info.topic === a);
    t.same(first?.envelope, envelope, 'envelope survives byte for byte');
    t.equal(first?.info.key, 'office-1');
    t.equal(first?.info.attempt, 1);
    t.equal(first?.info.headers?.[eventIdHeader], envelope.id);
    t.equal(first?.info.headers?.[eventTypeHeader], 'document.issued');
    t.equal(first?.info.headers?.[traceparentHeader], envelope.traceparent);
    t.ok(
      got.some((g) => g.info.topic === b && (g.envelope.data as { n: number }).n === 7),
      'second topic delivered',
    );
  });

  void t.test(`${harness.name}: keeps the order of each key over many keys`, bounded, async (t) => {
    const { bus, newTopic } = await harness.open(t);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const events = Array.from({ length: 500 }, (_, n) => makeEvent(topic, `office-${n % 20}`, n));
    for (let i = 0; i < events.length; i += 100) await bus.publish(events.slice(i, i + 100));
    const seen: Seen[] = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      handler: async (e, info) => void seen.push(seenOf(e, info)),
    });
    t.teardown(() => sub.stop());
    await waitFor(() => new Set(seen.map((s) => s.id)).size >= 500, 25_000, '500 events');
    for (const [key, list] of byKey(seen)) {
      const firsts = list.filter((s, i) => list.findIndex((o) => o.id === s.id) === i).map((s) => s.n);
      t.same(
        firsts,
        [...firsts].sort((x, y) => x - y),
        `order kept for ${key}`,
      );
      t.equal(firsts.length, 25, `all events of ${key}`);
    }
  });

  void t.test(`${harness.name}: a failed try is retried in place before later events`, bounded, async (t) => {
    const { bus, newTopic } = await harness.open(t);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const seen: Seen[] = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      retryBackoffMs: 20,
      handler: async (e, info) => {
        seen.push(seenOf(e, info));
        if ((e.data as { n: number }).n === 2 && info.attempt === 1) throw new Error('transient');
      },
    });
    t.teardown(() => sub.stop());
    await bus.publish([1, 2, 3, 4].map((n) => makeEvent(topic, 'k', n)));
    await waitFor(() => seen.some((s) => s.n === 4), 20_000, 'event 4');
    t.same(
      seen.map((s) => [s.n, s.attempt]),
      [
        [1, 1],
        [2, 1],
        [2, 2],
        [3, 1],
        [4, 1],
      ],
      'event 2 tried twice, nothing after it ran before it succeeded',
    );
  });

  void t.test(
    `${harness.name}: an event that keeps failing goes to the dead-letter topic and later events go on`,
    bounded,
    async (t) => {
      const { bus, newTopic } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      const seen: Seen[] = [];
      const sub = await bus.subscribe({
        group: randomName('g'),
        topics: [topic],
        maxAttempts: 3,
        retryBackoffMs: 10,
        handler: async (e, info) => {
          seen.push(seenOf(e, info));
          if ((e.data as { n: number }).n === 2) throw new Error('document 2 is broken');
        },
      });
      t.teardown(() => sub.stop());
      const events = [1, 2, 3].map((n) => makeEvent(topic, 'k', n));
      await bus.publish(events);
      const dead: Array<{ envelope: EventEnvelope; info: DeliveryInfo }> = [];
      const dlqSub = await bus.subscribe({
        group: randomName('dlq'),
        topics: [deadLetterTopic(topic)],
        handler: async (e, info) => void dead.push({ envelope: e, info }),
      });
      t.teardown(() => dlqSub.stop());
      await waitFor(() => seen.some((s) => s.n === 3) && dead.length >= 1, 20_000, 'event 3 and a dead letter');
      t.same(
        seen.filter((s) => s.n === 2).map((s) => s.attempt),
        [1, 2, 3],
        'tried maxAttempts times',
      );
      t.same(dead[0]?.envelope, events[1]?.envelope, 'the dead letter is the original event');
      t.equal(dead[0]?.info.key, 'k');
      t.match(dead[0]?.info.headers?.[dlqReasonHeader], /document 2 is broken/);
      t.equal(dead[0]?.info.headers?.[dlqAttemptsHeader], '3');
      t.equal(dead[0]?.info.headers?.[dlqSourceTopicHeader], topic);
      t.equal(dead.length, 1, 'only the failing event is dead');
    },
  );

  void t.test(
    `${harness.name}: poison (not an envelope) goes straight to the dead-letter topic`,
    bounded,
    async (t) => {
      const { bus, newTopic, publishRaw, readRaw } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      const seen: Seen[] = [];
      const sub = await bus.subscribe({
        group: randomName('g'),
        topics: [topic],
        handler: async (e, info) => void seen.push(seenOf(e, info)),
      });
      t.teardown(() => sub.stop());
      await bus.publish([makeEvent(topic, 'k', 1)]);
      await publishRaw(topic, 'k', '{"id": "not an envelope"');
      await publishRaw(topic, 'k', JSON.stringify({ ...makeEvent(topic, 'k', 0).envelope, schemaVersion: 'one' }));
      await bus.publish([makeEvent(topic, 'k', 2)]);
      await waitFor(() => seen.some((s) => s.n === 2), 20_000, 'event after the poison');
      t.same(
        seen.map((s) => s.n),
        [1, 2],
        'the handler never saw the poison',
      );
      const dead = await readRaw(deadLetterTopic(topic), 2);
      t.equal(dead[0]?.value, '{"id": "not an envelope"', 'the poison bytes are kept');
      t.equal(dead[0]?.key, 'k');
      t.match(dead[0]?.headers[dlqReasonHeader], /^poison: .*not JSON/);
      t.equal(dead[0]?.headers[dlqAttemptsHeader], '0');
      t.match(dead[1]?.headers[dlqReasonHeader], /schemaVersion/);
    },
  );

  void t.test(`${harness.name}: a resubscribed group resumes after its last committed event`, bounded, async (t) => {
    const { bus, newTopic } = await harness.open(t);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const group = randomName('g');
    const seen: Seen[] = [];
    const handler = async (e: EventEnvelope, info: DeliveryInfo): Promise<void> => void seen.push(seenOf(e, info));
    await bus.publish([1, 2, 3, 4, 5].map((n) => makeEvent(topic, `k${n % 2}`, n)));
    const first = await bus.subscribe({ group, topics: [topic], handler });
    await waitFor(() => seen.length >= 5, 20_000, 'first five');
    await first.stop();
    await bus.publish([6, 7, 8, 9, 10].map((n) => makeEvent(topic, `k${n % 2}`, n)));
    const second = await bus.subscribe({ group, topics: [topic], handler });
    t.teardown(() => second.stop());
    await waitFor(() => seen.length >= 10, 20_000, 'next five');
    t.same(
      seen.map((s) => s.n).sort((x, y) => x - y),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'each event once: nothing skipped, nothing repeated',
    );
  });

  void t.test(`${harness.name}: an event in flight when the consumer dies is delivered again`, bounded, async (t) => {
    const { bus, newTopic } = await harness.open(t);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const group = randomName('g');
    const seen: Seen[] = [];
    const stuck = gate();
    const reached = gate();
    const crashing = await bus.subscribe({
      group,
      topics: [topic],
      handler: async (e, info) => {
        seen.push(seenOf(e, info));
        if ((e.data as { n: number }).n === 3) {
          reached.open();
          await stuck.promise;
          throw new Error('process killed');
        }
      },
    });
    await bus.publish([1, 2, 3, 4, 5].map((n) => makeEvent(topic, 'k', n)));
    await reached.promise;
    const stopping = crashing.stop();
    stuck.open();
    await stopping;
    t.same(
      seen.map((s) => s.n),
      [1, 2, 3],
      'stopped inside event 3',
    );
    const after: Seen[] = [];
    const next = await bus.subscribe({
      group,
      topics: [topic],
      handler: async (e, info) => void after.push(seenOf(e, info)),
    });
    t.teardown(() => next.stop());
    await waitFor(() => after.some((s) => s.n === 5), 20_000, 'event 5');
    t.same(
      after.map((s) => s.n),
      [3, 4, 5],
      'event 3 again, committed ones not',
    );
  });

  void t.test(`${harness.name}: two subscribers of one group share the work and keep key order`, bounded, async (t) => {
    const { bus, anotherBus, newTopic } = await harness.open(t);
    const other = await anotherBus();
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const group = randomName('g');
    const seen: Seen[] = [];
    let inFlight = 0;
    let overlap = 0;
    const handler = async (e: EventEnvelope, info: DeliveryInfo): Promise<void> => {
      if (++inFlight > 1 && harness.name.startsWith('postgres')) overlap++;
      seen.push(seenOf(e, info));
      await new Promise((r) => setImmediate(r));
      inFlight--;
    };
    const [s1, s2] = await Promise.all([
      bus.subscribe({ group, topics: [topic], handler }),
      other.subscribe({ group, topics: [topic], handler }),
    ]);
    t.teardown(() => Promise.all([s1.stop(), s2.stop()]).then(() => undefined));
    const events = Array.from({ length: 100 }, (_, n) => makeEvent(topic, `office-${n % 7}`, n));
    await bus.publish(events);
    await waitFor(() => new Set(seen.map((s) => s.id)).size >= 100, 25_000, '100 events');
    for (const [key, list] of byKey(seen)) {
      const firsts = list.filter((s, i) => list.findIndex((o) => o.id === s.id) === i).map((s) => s.n);
      t.same(
        firsts,
        [...firsts].sort((x, y) => x - y),
        `order kept for ${key}`,
      );
    }
    t.equal(overlap, 0, 'never two handlers at once on one (group, topic) of the log');
  });

  void t.test(
    `${harness.name}: a subscriber still joining when close() begins is stopped and refused`,
    bounded,
    async (t) => {
      const { bus, newTopic } = await harness.open(t);
      const topic = await newTopic();
      await bus.ensureTopics([topic]);
      let handled = 0;
      const joining = bus.subscribe({ group: randomName('g'), topics: [topic], handler: async () => void handled++ });
      await bus.close();
      await t.rejects(joining, { name: 'BusError', code: 'BUS_CLOSED' }, 'no subscription outlives its bus');
      await t.rejects(bus.ensureTopics([topic]), { code: 'BUS_CLOSED' });
      t.equal(handled, 0);
    },
  );
}
