/**
 * Delivery latency: `document.issued` events published on Kafka at a steady 50 per second
 * for 10 s, each to 3 offices, timed per recipient from the publish until the document
 * arrives on that office's inbox stream (`GET /v1/inbox/stream`, what an office system
 * watches). Ours is five hops: `document.issued` → the fan-out transaction → the outbox
 * relay → `delivery.sent` → the consignment transaction → NOTIFY to the stream. Baseline:
 * one raw kafkajs hop (produce → consume) of messages of the same size at the same rate, in
 * the same run. The figure is our p50 in ms against the raw p50; the ratio is ours / raw,
 * so lower is better (the p99s and their ratio are in the detail).
 */
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Kafka, logLevel } from 'kafkajs';
import { uniqueName } from '../test/support/env.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
} from '../services/delivery/test/support.ts';
import { removeBucket } from '../services/delivery/test/remove-bucket.ts';
import type { DocumentIssued } from '@lienthong/records';
import type { Benchmark } from './types.ts';

const RATE = 50;
const SECONDS = 10;
const COUNT = RATE * SECONDS;
const offices = ['HU-A1', 'HU-A2', 'HU-A3'];

/** Latencies in ms: p50, p99, max. */
interface Spread {
  p50: number;
  p99: number;
  max: number;
  n: number;
}

function spread(ms: number[]): Spread {
  const s = [...ms].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  return { p50: at(0.5), p99: at(0.99), max: s[s.length - 1]!, n: s.length };
}

/** Calls `send(i)` for i < COUNT at RATE per second, on a schedule that does not drift. */
async function steady(send: (i: number) => Promise<void>): Promise<void> {
  const start = performance.now();
  const sent: Array<Promise<void>> = [];
  for (let i = 0; i < COUNT; i++) {
    const wait = start + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    sent.push(send(i));
  }
  await Promise.all(sent);
}

async function until(what: string, done: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!done()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function rawKafkajs(brokers: string[], bytes: number): Promise<Spread> {
  const topic = uniqueName('bench.raw-latency').replace('_', '.');
  const kafka = new Kafka({ clientId: 'bench-raw-latency', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  const consumer = kafka.consumer({ groupId: uniqueName('bench-raw-latency') });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        const at = sentAt.get(key);
        if (at !== undefined) latencies.push(performance.now() - at);
      },
    });
    await producer.connect();
    const value = 'x'.repeat(bytes);
    // One message first, so the group has joined and the figures are of the steady state.
    sentAt.set('warm-up', performance.now());
    await producer.send({ topic, acks: -1, messages: [{ key: 'warm-up', value }] });
    await until('the raw warm-up message', () => latencies.length === 1);
    latencies.length = 0;
    await steady(async (i) => {
      const key = `m${i}`;
      sentAt.set(key, performance.now());
      await producer.send({ topic, acks: -1, messages: [{ key, value }] });
    });
    await until('the raw messages', () => latencies.length >= COUNT);
    return spread(latencies);
  } finally {
    await producer.disconnect();
    await consumer.disconnect();
    await admin.deleteTopics({ topics: [topic] }).catch(() => {});
    await admin.disconnect();
  }
}

/** Reads `event: document` entries from an inbox stream, calling `seen` as each arrives. */
async function watch(res: Response, seen: (documentId: string) => void): Promise<void> {
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
    if (done) return;
    buffer += value;
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const lines = buffer.slice(0, end).split('\n');
      buffer = buffer.slice(end + 2);
      if (!lines.includes('event: document')) continue;
      const data = lines.find((line) => line.startsWith('data: '));
      if (data !== undefined) seen((JSON.parse(data.slice(6)) as { documentId: string }).documentId);
    }
  }
}

async function ours(): Promise<{ spread: Spread; bytes: number }> {
  const teardowns: Array<() => Promise<void> | void> = [];
  const d = await deliveryForFile({ teardown: (fn) => teardowns.push(fn) }, { bus: 'kafka', objects: 'minio' });
  const streams: AbortController[] = [];
  try {
    await d.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(d.app.server.address() as AddressInfo).port}`;
    const sentAt = new Map<string, number>();
    const latencies: number[] = [];
    let arrived = 0;
    for (const office of offices) {
      const abort = new AbortController();
      streams.push(abort);
      const res = await fetch(`${base}/v1/inbox/stream`, {
        headers: callerOf(office, 'office-system'),
        signal: abort.signal,
      });
      if (res.status !== 200) throw new Error(`the inbox stream of ${office} answered ${res.status}`);
      void watch(res, (documentId) => {
        arrived += 1;
        const at = sentAt.get(documentId);
        if (at !== undefined) latencies.push(performance.now() - at);
      });
    }
    // The documents (a 4 KB PDF each in MinIO) are made before the clock starts.
    const documents: DocumentIssued[] = [];
    for (let i = 0; i <= COUNT; i += 25)
      documents.push(
        ...(await Promise.all(Array.from({ length: Math.min(25, COUNT + 1 - i) }, () => issueDocument(d, offices)))),
      );
    const envelopes = documents.map(issuedEnvelope);
    const bytes = Buffer.byteLength(JSON.stringify(envelopes[0]));
    // The first one warms up: the consumer groups join, the pools fill.
    await publishIssued(d, envelopes[0]!);
    await until('the warm-up document in every inbox', () => arrived >= offices.length, 120_000);
    await steady(async (i) => {
      const envelope = envelopes[i + 1]!;
      sentAt.set(envelope.data.documentId, performance.now());
      await publishIssued(d, envelope);
    });
    await until('every document in every inbox', () => latencies.length >= COUNT * offices.length, 120_000);
    return { spread: spread(latencies), bytes };
  } finally {
    for (const abort of streams) abort.abort();
    for (const fn of teardowns.reverse()) await fn();
    await removeBucket(d.bucket);
  }
}

const ms = (n: number): string => n.toFixed(1);

const bench: Benchmark = {
  name: 'delivery latency, issue to inbox stream at 50 documents/s',
  target: 'p50 and p99 in ms, against one raw kafkajs hop (ratio = ours / raw, lower is better)',
  async run(env) {
    const brokers = (env.LIENTHONG_TEST_KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
    const mine = await ours();
    const raw = await rawKafkajs(brokers, mine.bytes);
    return {
      figure: mine.spread.p50,
      baseline: raw.p50,
      unit: 'ms p50',
      baselineName: 'raw kafkajs produce → consume',
      detail:
        `ours p99 ${ms(mine.spread.p99)} ms, max ${ms(mine.spread.max)} ms over ${mine.spread.n} inbox arrivals; ` +
        `raw p99 ${ms(raw.p99)} ms, max ${ms(raw.max)} ms over ${raw.n} messages; ` +
        `p99 ratio ${(mine.spread.p99 / raw.p99).toFixed(2)}; ${COUNT} documents at ${RATE}/s to ${offices.length} offices, ` +
        `5 hops (issued → fan-out tx → outbox relay → delivery.sent → consignment tx → NOTIFY); messages of ${mine.bytes} bytes`,
    };
  },
};
export default bench;
