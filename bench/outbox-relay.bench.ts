/**
 * Outbox → Kafka relay throughput: N events committed to the outbox, then timed from the
 * running relay's start until the last one is acknowledged by Kafka and marked. Baseline: raw
 * kafkajs producing the same messages (same value, key and headers) to a topic of as many
 * partitions, with the bus producer's settings: idempotent, one request in flight,
 * acks=all, no compression, the default partitioner, the same batch size. Both producers
 * are connected and have sent a warm-up message before any clock starts; the two run in
 * alternating rounds of the same run, and each figure is its events over its total time.
 */
import { performance } from 'node:perf_hooks';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';
import {
  createEnvelope,
  createKafkaBus,
  envelopeHeaders,
  type EventBus,
  type EventPublisher,
  type OutgoingEvent,
} from '@lienthong/bus';
import {
  createOutboxRelay,
  createPool,
  enqueueEvents,
  migrate,
  outboxBacklog,
  withTransaction,
  type Pool,
} from '@lienthong/db';
import { uniqueName } from '../test/support/env.ts';
import type { Benchmark } from './types.ts';

const EVENTS = 20_000;
const BATCH = 500;
const PARTITIONS = 3;
const ROUNDS = 3;

function makeEvents(topic: string, count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, seq) => {
    const key = `office-${seq % 100}`;
    return {
      topic,
      key,
      envelope: createEnvelope({
        type: 'bench.counted',
        source: 'bench',
        subject: key,
        data: { seq, note: 'x'.repeat(200) },
      }),
    };
  });
}

/** The Kafka message our bus makes of an event: envelope JSON as value, key, id and type headers. */
const toMessage = (e: OutgoingEvent) => ({
  key: e.key,
  value: JSON.stringify(e.envelope),
  headers: envelopeHeaders(e.envelope),
});

async function rawProducer(brokers: string[], topic: string): Promise<Producer> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  await producer.send({ topic, acks: -1, messages: makeEvents(topic, 1).map(toMessage) });
  return producer;
}

/** Seconds raw kafkajs takes to produce `events`, `BATCH` messages per send. */
async function rawRound(producer: Producer, topic: string, events: OutgoingEvent[]): Promise<number> {
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    await producer.send({ topic, acks: -1, messages: events.slice(i, i + BATCH).map(toMessage) });
  }
  return (performance.now() - start) / 1000;
}

/** Seconds a relay started on an outbox holding `events` takes until Kafka has them all and they are marked. */
async function relayRound(pool: Pool, schema: string, bus: EventBus, events: OutgoingEvent[]): Promise<number> {
  await pool.query('DELETE FROM outbox');
  for (let i = 0; i < events.length; i += BATCH) {
    await withTransaction(pool, (client) => enqueueEvents(client, events.slice(i, i + BATCH)));
  }
  // Counting acknowledged events spares the database a count(*) every few ms while the
  // relay works; the outbox is polled only once Kafka has them all, until they are marked.
  let acknowledged = 0;
  const publisher: EventPublisher = {
    async publish(batch) {
      await bus.publish(batch);
      acknowledged += batch.length;
    },
  };
  const outbox = createOutboxRelay({ pool, schema, publisher, batchSize: BATCH, pollIntervalMs: 10 });
  const sleep = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 5));
  const start = performance.now();
  outbox.start();
  while (acknowledged < events.length) await sleep();
  while ((await outboxBacklog(pool)) > 0) await sleep();
  const seconds = (performance.now() - start) / 1000;
  await outbox.stop();
  return seconds;
}

const bench: Benchmark = {
  name: 'outbox → Kafka relay',
  target: 'report; ≥ 0.5 of raw kafkajs',
  targetRatio: 0.5,
  async run(env) {
    const brokers = (env.LIENTHONG_TEST_KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
    const databaseUrl = env.LIENTHONG_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:55432/lienthong';
    const rawTopic = uniqueName('bench.raw').replace('_', '.');
    const relayTopic = uniqueName('bench.relay').replace('_', '.');
    const schema = uniqueName('bench_outbox');
    const producer = await rawProducer(brokers, rawTopic);
    const pool = createPool({ url: databaseUrl, schema, maxConnections: 4 });
    const bus = createKafkaBus({ brokers, clientId: 'bench-relay', numPartitions: PARTITIONS });
    try {
      await migrate(pool, schema, []);
      await bus.ensureTopics([relayTopic]);
      await bus.publish(makeEvents(relayTopic, 1));
      let rawSeconds = 0;
      let relaySeconds = 0;
      for (let round = 0; round < ROUNDS; round++) {
        rawSeconds += await rawRound(producer, rawTopic, makeEvents(rawTopic, EVENTS));
        relaySeconds += await relayRound(pool, schema, bus, makeEvents(relayTopic, EVENTS));
      }
      return {
        figure: (ROUNDS * EVENTS) / relaySeconds,
        baseline: (ROUNDS * EVENTS) / rawSeconds,
        unit: 'events/s',
        baselineName: 'raw kafkajs',
        detail: `${EVENTS} events of ~420 bytes (+ id and type headers), batches of ${BATCH}, ${PARTITIONS} partitions, ${ROUNDS} alternating rounds`,
      };
    } finally {
      await producer.disconnect();
      await bus.close();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    }
  },
};
export default bench;
