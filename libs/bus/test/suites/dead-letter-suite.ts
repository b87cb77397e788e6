import type { Test } from 'tap';
import type { DeadLetters } from '../../src/dead-letters.ts';
import { replayedFromHeader } from '../../src/dead-letters.ts';
import { dlqReasonHeader } from '../../src/headers.ts';
import type { DeliveryInfo } from '../../src/types.ts';
import { deadLetterTopic } from '../../src/types.ts';
import { makeEvent, randomName, waitFor, type BusHarness, type Teardown } from '../helpers.ts';

const bounded = { timeout: 90_000 };

/** An operator's list and replay of dead letters: the same suite runs on Kafka and on the Postgres log. */
export function deadLetterSuite(t: Test, harness: BusHarness): void {
  const open = async (t: Teardown, context: { openDeadLetters(): DeadLetters }): Promise<DeadLetters> => {
    const desk = context.openDeadLetters();
    t.teardown(() => desk.close());
    return desk;
  };
  void t.test(`${harness.name}: dead letters listed with their reason, replayed once`, bounded, async (t) => {
    const context = await harness.open(t);
    const { bus, newTopic, publishRaw, readRaw } = context;
    const desk = await open(t, context);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    const failing = makeEvent(topic, 'k', 1);
    let broken = true;
    const handled: { id: string; info: DeliveryInfo }[] = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      maxAttempts: 2,
      retryBackoffMs: 1,
      handler: async (event, info) => {
        if (broken && event.id === failing.envelope.id) throw new Error('the archive is down');
        handled.push({ id: event.id, info });
      },
    });
    t.teardown(() => sub.stop());
    await publishRaw(topic, 'k', '{"id": "not an envelope"');
    await bus.publish([failing, makeEvent(topic, 'k', 2)]);
    await waitFor(() => handled.length >= 1, 30_000, 'the event after the failing one');
    await readRaw(deadLetterTopic(topic), 2);

    const letters = await desk.list({ topic });
    t.equal(letters.length, 2, 'two dead letters');
    const [poison, dead] = letters;
    t.match(poison, {
      topic: deadLetterTopic(topic),
      key: 'k',
      readable: false,
      attempts: 0,
      sourceTopic: topic,
      replayed: false,
    });
    t.match(poison?.reason, /^poison: /);
    t.notOk(poison?.eventId, 'poison has no event id');
    t.match(dead, {
      key: 'k',
      readable: true,
      eventId: failing.envelope.id,
      eventType: 'test.happened',
      attempts: 2,
      sourceTopic: topic,
      sourcePartition: Number,
      sourceOffset: /^\d+$/,
      replayed: false,
    });
    t.match(dead?.reason, /handler failed 2 times: the archive is down/);
    t.ok(!Number.isNaN(Date.parse(dead!.time)), 'a time');

    const select = { eventIds: [failing.envelope.id] };
    const planned = await desk.replay({ topic, select, dryRun: true });
    t.same(
      planned.map((l) => l.offset),
      [dead!.offset],
      'a dry run names the letter',
    );
    t.same(
      (await desk.list({ topic })).map((l) => l.replayed),
      [false, false],
      'and records nothing',
    );

    broken = false;
    const sent = await desk.replay({ topic, select });
    t.same(
      sent.map((l) => l.eventId),
      [failing.envelope.id],
      'replayed',
    );
    await waitFor(() => handled.some((h) => h.id === failing.envelope.id), 30_000, 'the replayed event handled');
    const replayed = handled.find((h) => h.id === failing.envelope.id)!;
    t.equal(replayed.info.headers?.[replayedFromHeader], `${dead!.partition}:${dead!.offset}`);
    t.equal(replayed.info.headers?.[dlqReasonHeader], undefined, 'without the dead-letter headers');
    t.equal(replayed.info.key, 'k', 'on its key');

    t.same(await desk.replay({ topic, select }), [], 'a second replay sends nothing');
    t.same(await desk.replay({ topic, select, dryRun: true }), [], 'nor would a dry run');
    t.same(
      (await desk.list({ topic })).map((l) => l.replayed),
      [false, true],
      'the list says which was replayed',
    );
    const range = { fromOffset: poison!.offset, toOffset: poison!.offset };
    t.same(
      (await desk.replay({ topic, select: range, dryRun: true })).map((l) => l.offset),
      [poison!.offset],
      'an offset range selects',
    );
    t.same(
      (await desk.replay({ topic, dryRun: true })).map((l) => l.offset),
      [poison!.offset],
      'all: what was not replayed yet',
    );
    t.equal(handled.filter((h) => h.id === failing.envelope.id).length, 1, 'the replayed event came once');
  });

  void t.test(`${harness.name}: replay of every letter records each, in order`, bounded, async (t) => {
    const context = await harness.open(t);
    const { bus, newTopic, readRaw } = context;
    const desk = await open(t, context);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    let broken = true;
    const handled: number[] = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      maxAttempts: 1,
      handler: async (event) => {
        if (broken) throw new Error('down');
        handled.push((event.data as { n: number }).n);
      },
    });
    t.teardown(() => sub.stop());
    await bus.publish([1, 2, 3, 4].map((n) => makeEvent(topic, 'one-key', n)));
    await readRaw(deadLetterTopic(topic), 4);
    const letters = await desk.list({ topic });
    broken = false;
    // A replay of one letter in the middle first: the rest stay to be replayed.
    t.same(
      (await desk.replay({ topic, select: { eventIds: [letters[2]!.eventId!] } })).length,
      1,
      'one from the middle',
    );
    const rest = await desk.replay({ topic });
    t.same(
      rest.map((l) => l.offset),
      [letters[0]!.offset, letters[1]!.offset, letters[3]!.offset],
      'then the others, in order',
    );
    await waitFor(() => handled.length >= 4, 30_000, 'four handled');
    t.same(handled, [3, 1, 2, 4], 'in the order replayed');
    t.same(await desk.replay({ topic }), [], 'nothing left');
    t.ok(
      (await desk.list({ topic })).every((l) => l.replayed),
      'every letter replayed',
    );
  });

  void t.test(`${harness.name}: letters of many keys (partitions) replayed each once`, bounded, async (t) => {
    const context = await harness.open(t);
    const { bus, newTopic, readRaw } = context;
    const desk = await open(t, context);
    const topic = await newTopic();
    await bus.ensureTopics([topic]);
    let broken = true;
    const handled: string[] = [];
    const sub = await bus.subscribe({
      group: randomName('g'),
      topics: [topic],
      maxAttempts: 1,
      handler: async (event) => {
        if (broken) throw new Error('down');
        handled.push(event.id);
      },
    });
    t.teardown(() => sub.stop());
    const events = Array.from({ length: 12 }, (_, n) => makeEvent(topic, `key-${n}`, n));
    await bus.publish(events);
    await readRaw(deadLetterTopic(topic), events.length);
    broken = false;
    const sent = await desk.replay({ topic });
    t.same(sent.map((l) => l.eventId).sort(), events.map((e) => e.envelope.id).sort(), 'every letter sent');
    if (harness.name === 'kafka') t.ok(new Set(sent.map((l) => l.partition)).size > 1, 'from several partitions');
    await waitFor(() => handled.length >= events.length, 30_000, 'every replayed event handled');
    t.same(await desk.replay({ topic }), [], 'a second replay sends nothing');
    t.equal(new Set(handled).size, events.length, 'each handled');
    t.equal(handled.length, events.length, 'once');
  });

  void t.test(`${harness.name}: a replay refuses a bad topic or selection and sends nothing`, bounded, async (t) => {
    const context = await harness.open(t);
    const desk = await open(t, context);
    const topic = await context.newTopic();
    await t.rejects(desk.list({ topic: deadLetterTopic(topic) }), { code: 'BUS_TOPIC_INVALID' });
    await t.rejects(desk.replay({ topic: 'bad topic/..' }), { code: 'BUS_TOPIC_INVALID' });
    await t.rejects(desk.replay({ topic, select: { fromOffset: '-1' } }), RangeError);
    await t.rejects(desk.replay({ topic, select: { fromOffset: '9', toOffset: '3' } }), RangeError);
    await t.rejects(desk.replay({ topic, select: { toOffset: '1e3' } }), RangeError);
  });
}
