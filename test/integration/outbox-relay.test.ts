/**
 * The outbox carries state changes to the event transport: every row written in a
 * committed transaction arrives, in order per key, and — after de-duplication on the
 * event id — exactly once, even when the relay is stopped half-way and another takes
 * over, or dies between publishing and marking. Runs on Kafka and on the embedded log.
 */
import t from 'tap';
import { createEnvelope, type EventEnvelope, type EventPublisher, type OutgoingEvent } from '@lienthong/bus';
import { createOutboxRelay, createPool, enqueueEvents, migrate, withTransaction } from '@lienthong/db';
import { uniqueName, waitFor } from '../support/env.ts';
import { embeddedTransport, kafkaTransport, postgresTransport, type TransportFixture } from '../support/transports.ts';

const KEYS = 20;
const EVENTS = 1_000;

function makeEvents(topic: string, from: number, count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const seq = from + i;
    const key = `office-${seq % KEYS}`;
    return {
      topic,
      key,
      envelope: createEnvelope({ type: 'test.counted', source: 'test', subject: key, data: { seq } }),
    };
  });
}

interface Outcome {
  committed: OutgoingEvent[];
  received: EventEnvelope[];
  relayDied: boolean;
}

async function runRelayScenario(
  transport: TransportFixture,
  teardown: (fn: () => Promise<void>) => void,
): Promise<Outcome> {
  const schema = uniqueName('outbox');
  const topic = uniqueName('lienthong.test').replace('_', '.');
  const pool = createPool({ url: transport.databaseUrl, schema, maxConnections: 4 });
  const producerBus = transport.createBus('outbox-test-producer');
  const consumerBus = transport.createBus('outbox-test-consumer');
  teardown(async () => {
    await producerBus.close();
    await consumerBus.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  await migrate(pool, schema, []);
  await producerBus.ensureTopics([topic]);

  const received: EventEnvelope[] = [];
  const subscription = await consumerBus.subscribe({
    group: uniqueName('outbox-test'),
    topics: [topic],
    handler: async (event) => {
      received.push(event);
    },
  });
  teardown(() => subscription.stop());

  // Committed in batches of 10; one batch in five rolled back, which must never travel.
  const committed: OutgoingEvent[] = [];
  for (let from = 0; from < EVENTS; from += 10) {
    const batch = makeEvents(topic, from, 10);
    const rollBack = (from / 10) % 5 === 4;
    await withTransaction(pool, async (client) => {
      await enqueueEvents(client, batch);
      if (rollBack) throw new Error('rolled back on purpose');
    }).catch((error: unknown) => {
      if (!rollBack) throw error;
    });
    if (!rollBack) committed.push(...batch);
  }

  // A publisher that, once, publishes a batch and then fails before the relay can mark it:
  // the relay that comes next must send those rows again.
  let failedOnce = false;
  const flaky: EventPublisher = {
    publish: async (events) => {
      await producerBus.publish(events);
      if (!failedOnce && received.length > 0) {
        failedOnce = true;
        throw new Error('relay died after publishing');
      }
    },
  };
  const first = createOutboxRelay({ pool, schema, publisher: flaky, batchSize: 50, pollIntervalMs: 20 });
  first.start();
  await waitFor('half of the events to arrive', () => new Set(received.map((e) => e.id)).size >= committed.length / 2);
  await first.stop();

  const second = createOutboxRelay({ pool, schema, publisher: producerBus, batchSize: 50, pollIntervalMs: 20 });
  second.start();
  await waitFor('every event to arrive', () => new Set(received.map((e) => e.id)).size >= committed.length, 120_000);
  await second.stop();

  return { committed, received, relayDied: failedOnce };
}

const fixtures: Array<() => TransportFixture | Promise<TransportFixture>> = [
  kafkaTransport,
  postgresTransport,
  embeddedTransport,
];
for (const make of fixtures) {
  const transport = await make();
  await t.test(`outbox → ${transport.name}: every row once, in order per key, across relay restarts`, async (t) => {
    const cleanups: Array<() => Promise<void>> = [() => transport.close()];
    t.teardown(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const { committed, received, relayDied } = await runRelayScenario(transport, (fn) => cleanups.push(fn));
    const ids = new Set(received.map((e) => e.id));
    t.equal(ids.size, committed.length, 'every committed row arrived');
    t.ok(
      committed.every((e) => ids.has(e.envelope.id)),
      'the arrived ids are exactly the committed ones',
    );
    t.ok(
      received.every((e) => committed.some((c) => c.envelope.id === e.id)),
      'no rolled-back row travelled',
    );

    const lastSeq = new Map<string, number>();
    const seen = new Set<string>();
    let outOfOrder = 0;
    for (const event of received) {
      if (seen.has(event.id)) continue; // a redelivery: consumers de-duplicate on the id
      seen.add(event.id);
      const seq = (event.data as { seq: number }).seq;
      if ((lastSeq.get(event.subject) ?? -1) > seq) outOfOrder += 1;
      lastSeq.set(event.subject, seq);
    }
    t.equal(outOfOrder, 0, 'first arrivals are in order within each key');
    t.ok(relayDied, 'the relay really died once between publish and mark');
    t.comment(`${transport.name}: ${received.length} deliveries for ${committed.length} events`);
  });
}
