/**
 * Outbox → Kafka relay throughput: N events committed to the outbox, then timed from the
 * running relay's start until the last one is acknowledged by Kafka and marked. Baseline: raw
 * kafkajs (idempotent producer, acks=all, the same batch size) producing the same
 * messages to a fresh topic in the same run.
 */
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { createEnvelope, createKafkaBus, type OutgoingEvent } from '@lienthong/bus';
import { createOutboxRelay, createPool, enqueueEvents, migrate, withTransaction } from '@lienthong/db';
import { uniqueName } from '../test/support/env.ts';
import type { Benchmark } from './types.ts';

const EVENTS = 20_000;
const BATCH = 500;

function makeEvents(topic: string): OutgoingEvent[] {
  return Array.from({ length: EVENTS }, (_, seq) => {
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

async function rawKafkajs(brokers: string[], topic: string, events: OutgoingEvent[]): Promise<number> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) {
    const messages = events.slice(i, i + BATCH).map((e) => ({ key: e.key, value: JSON.stringify(e.envelope) }));
    await producer.send({ topic, acks: -1, messages });
  }
  const seconds = (performance.now() - start) / 1000;
  await producer.disconnect();
  return events.length / seconds;
}

async function relay(databaseUrl: string, brokers: string[], topic: string, events: OutgoingEvent[]): Promise<number> {
  const schema = uniqueName('bench_outbox');
  const pool = createPool({ url: databaseUrl, schema, maxConnections: 4 });
  const bus = createKafkaBus({ brokers, clientId: 'bench-relay' });
  try {
    await migrate(pool, schema, []);
    await bus.ensureTopics([topic]);
    for (let i = 0; i < events.length; i += BATCH) {
      await withTransaction(pool, (client) => enqueueEvents(client, events.slice(i, i + BATCH)));
    }
    const outbox = createOutboxRelay({ pool, schema, publisher: bus, batchSize: BATCH, pollIntervalMs: 10 });
    const pending = async (): Promise<number> =>
      Number(
        (await pool.query<{ n: string }>('SELECT count(*) AS n FROM outbox WHERE published_at IS NULL')).rows[0]?.n,
      );
    const start = performance.now();
    outbox.start();
    while ((await pending()) > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const seconds = (performance.now() - start) / 1000;
    await outbox.stop();
    return events.length / seconds;
  } finally {
    await bus.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
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
    const baseline = await rawKafkajs(brokers, rawTopic, makeEvents(rawTopic));
    const figure = await relay(databaseUrl, brokers, relayTopic, makeEvents(relayTopic));
    return {
      figure,
      baseline,
      unit: 'events/s',
      baselineName: 'raw kafkajs',
      detail: `${EVENTS} events of ~420 bytes, batches of ${BATCH}`,
    };
  },
};
export default bench;
