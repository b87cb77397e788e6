import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import t from 'tap';
import type { Test } from 'tap';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { testEnv } from '../../../test/support/env.ts';
import { startTestTracing, type ReadableSpan } from '../../../test/support/tracing.ts';
import { createEnvelope, serializeEnvelope } from '../src/envelope.ts';
import { traceparentHeader } from '../src/headers.ts';
import { createKafkaBus } from '../src/kafka-bus.ts';
import { createPostgresBus } from '../src/postgres-bus.ts';
import { activeTraceparent } from '../src/tracing.ts';
import { deadLetterTopic, type DeliveryInfo, type EventBus, type EventEnvelope } from '../src/types.ts';
import { makeEvent, randomName, waitFor } from './helpers.ts';

const tracing = startTestTracing();
t.teardown(() => tracing.stop());
const tracer = trace.getTracer('bus-tracing-test');
const bounded = { timeout: 60_000 };

/** A bus, and a way to write a message that bypasses the bus (a producer we do not control). */
interface Transport {
  system: 'kafka' | 'postgres-log';
  open(t: Test): Promise<{
    bus: EventBus;
    /** A fresh topic, created with its dead-letter topic (removed after the test). */
    newTopic: () => Promise<string>;
    publishRaw: (topic: string, key: string, value: string, headers: Record<string, string>) => Promise<void>;
  }>;
}

const kafka: Transport = {
  system: 'kafka',
  async open(t) {
    const bus = createKafkaBus({
      brokers: testEnv.kafkaBrokers,
      clientId: randomName('trace'),
      kafkaLogLevel: 'error',
    });
    const raw = new Kafka({ clientId: randomName('raw'), brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
    const producer = raw.producer();
    const admin = raw.admin();
    await Promise.all([producer.connect(), admin.connect()]);
    const topics: string[] = [];
    t.teardown(async () => {
      await bus.close();
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await Promise.all([producer.disconnect(), admin.disconnect()]);
    });
    return {
      bus,
      async newTopic() {
        const topic = randomName('lienthong.trace');
        topics.push(topic, deadLetterTopic(topic));
        await bus.ensureTopics([topic]);
        return topic;
      },
      async publishRaw(topic, key, value, headers) {
        await producer.send({ topic, acks: -1, messages: [{ key, value, headers }] });
      },
    };
  },
};

const postgresLog: Transport = {
  system: 'postgres-log',
  async open(t) {
    const schema = `t_bus_${randomBytes(5).toString('hex')}`;
    const pool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 5 });
    const bus = createPostgresBus({ pool, schema, pollIntervalMs: 50 });
    t.teardown(async () => {
      await bus.close();
      await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await pool.end();
    });
    return {
      bus,
      async newTopic() {
        const topic = randomName('lienthong.trace');
        await bus.ensureTopics([topic]);
        return topic;
      },
      async publishRaw(topic, key, value, headers) {
        await pool.query(`INSERT INTO "${schema}".log (topic, key, value, headers) VALUES ($1, $2, $3, $4)`, [
          topic,
          key,
          value,
          JSON.stringify(headers),
        ]);
      },
    };
  },
};

const idOf = (span: ReadableSpan): string => span.spanContext().spanId;
const traceOf = (span: ReadableSpan): string => span.spanContext().traceId;
const traceparentOf = (span: ReadableSpan): string => `00-${traceOf(span)}-${idOf(span)}-01`;
const findSpan = (name: string, id: string, group?: string): ReadableSpan | undefined =>
  tracing
    .spansNamed(name)
    .find(
      (s) =>
        s.attributes['messaging.message.id'] === id &&
        (group === undefined || s.attributes['messaging.consumer.group.name'] === group),
    );

for (const transport of [kafka, postgresLog]) {
  void t.test(`${transport.system}: request span -> publish span -> consumer span, one trace`, bounded, async (t) => {
    const { bus, newTopic } = await transport.open(t);
    const topic = await newTopic();
    const group = randomName('g');
    const seen: Array<{ event: EventEnvelope; info: DeliveryInfo; traceparent: string | undefined }> = [];
    const sub = await bus.subscribe({
      group,
      topics: [topic],
      handler: async (event, info) => void seen.push({ event, info, traceparent: activeTraceparent() }),
    });
    t.teardown(() => sub.stop());

    const request = tracer.startSpan('POST /v1/documents', { kind: SpanKind.SERVER });
    const event = await context.with(trace.setSpan(context.active(), request), async () => {
      const e = makeEvent(topic, 'office-1', 1);
      e.envelope = createEnvelope({ ...e.envelope, traceparent: activeTraceparent() });
      await bus.publish([e]);
      return e;
    });
    request.end();
    await waitFor(() => seen.length >= 1, 30_000, 'delivery');

    const publish = findSpan(`publish ${topic}`, event.envelope.id);
    const consume = findSpan(`process ${topic}`, event.envelope.id, group);
    t.ok(publish, 'publish span');
    t.ok(consume, 'consumer span');
    t.equal(publish!.kind, SpanKind.PRODUCER);
    t.equal(publish!.parentSpanContext?.spanId, request.spanContext().spanId, 'publish below the request');
    t.match(publish!.attributes, {
      'messaging.system': transport.system,
      'messaging.destination.name': topic,
      'messaging.message.id': event.envelope.id,
    });
    t.equal(seen[0]!.info.headers?.[traceparentHeader], traceparentOf(publish!), 'header is the publish span');
    t.equal(seen[0]!.event.traceparent, event.envelope.traceparent, 'the envelope keeps the writer span');
    t.equal(consume!.kind, SpanKind.CONSUMER);
    t.equal(consume!.parentSpanContext?.spanId, idOf(publish!), 'consumer below the publish');
    t.match(consume!.attributes, {
      'messaging.system': transport.system,
      'messaging.consumer.group.name': group,
      'messaging.destination.name': topic,
    });
    t.equal(seen[0]!.traceparent, traceparentOf(consume!), 'the handler runs in the consumer span');
    const all = tracing.spansOfTrace(request.spanContext().traceId).map((s) => s.name);
    t.same(all.sort(), ['POST /v1/documents', `process ${topic}`, `publish ${topic}`].sort(), 'one trace');
  });

  void t.test(`${transport.system}: no traceparent, or a malformed one, starts a new trace`, bounded, async (t) => {
    const { bus, newTopic, publishRaw } = await transport.open(t);
    const topic = await newTopic();
    const bare = createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 'k', data: { n: 1 } });
    const garbled = createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 'k', data: { n: 2 } });
    const zeros = createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 'k', data: { n: 3 } });
    await publishRaw(topic, 'k', serializeEnvelope(bare), {});
    await publishRaw(topic, 'k', serializeEnvelope(garbled), { traceparent: 'garbage; drop table' });
    await publishRaw(topic, 'k', serializeEnvelope(zeros), {
      traceparent: '00-00000000000000000000000000000000-0000000000000000-01',
      tracestate: '=,=,,;',
    });
    const group = randomName('g');
    const seen: string[] = [];
    const sub = await bus.subscribe({ group, topics: [topic], handler: async (e) => void seen.push(e.id) });
    t.teardown(() => sub.stop());
    await waitFor(() => seen.length >= 3, 30_000, 'three deliveries');
    t.same(seen, [bare.id, garbled.id, zeros.id], 'all handled, none dead');
    const spans = [bare, garbled, zeros].map((e) => findSpan(`process ${topic}`, e.id, group));
    for (const span of spans) {
      t.ok(span, 'consumer span');
      t.equal(span!.parentSpanContext, undefined, 'a root: a new trace');
    }
    t.equal(new Set(spans.map((s) => traceOf(s!))).size, 3, 'three traces');
  });

  void t.test(`${transport.system}: a batch of one trace hangs below it; of several, links`, bounded, async (t) => {
    const { bus, newTopic } = await transport.open(t);
    const topic = await newTopic();
    const roots = [tracer.startSpan('document A'), tracer.startSpan('document B')];
    const traceparents = roots.map((r) => `00-${r.spanContext().traceId}-${r.spanContext().spanId}-01`);
    for (const r of roots) r.end();
    const event = (n: number, traceparent: string) => ({
      ...makeEvent(topic, 'one-key', n),
      envelope: createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 'k', data: { n }, traceparent }),
    });
    // Three of A, then one of B: all on one key, so one partition, in this order.
    const sameTrace = [event(1, traceparents[0]!), event(2, traceparents[0]!), event(3, traceparents[0]!)];
    const mixed = [event(4, traceparents[0]!), event(5, traceparents[1]!)];
    await bus.publish(sameTrace);
    const group = randomName('g');
    const batches: Array<{ ids: string[]; traceparent: string | undefined }> = [];
    const sub = await bus.subscribe({
      group,
      topics: [topic],
      maxBatch: 10,
      handleBatch: async (events) =>
        void batches.push({ ids: events.map((e) => e.id), traceparent: activeTraceparent() }),
    });
    t.teardown(() => sub.stop());
    await waitFor(() => batches.flatMap((b) => b.ids).length >= 3, 30_000, 'first three');
    await bus.publish(mixed);
    await waitFor(() => batches.flatMap((b) => b.ids).length >= 5, 30_000, 'all five');

    const traceA = roots[0]!.spanContext().traceId;
    const traceB = roots[1]!.spanContext().traceId;
    const processSpans = tracing.spansNamed(`process ${topic}`).filter((s) => {
      return s.attributes['messaging.consumer.group.name'] === group;
    });
    for (const e of [...sameTrace, ...mixed]) {
      const ownTrace = e.envelope.traceparent!.split('-')[1];
      const inTrace = processSpans.filter((s) => traceOf(s) === ownTrace);
      const here = inTrace.some(
        (s) =>
          s.attributes['messaging.message.id'] === e.envelope.id ||
          s.links.some((l) => l.context.spanId === findSpan(`publish ${topic}`, e.envelope.id)?.spanContext().spanId),
      );
      t.ok(here, `event ${e.envelope.data.n} has a consumer span of the group in its trace`);
    }
    const whole = batches.find((b) => b.ids.length === 3);
    if (whole !== undefined) {
      const batchSpan = processSpans.find((s) => s.attributes['messaging.batch.message_count'] === 3);
      t.ok(batchSpan, 'one span for the batch of one trace');
      t.equal(traceOf(batchSpan!), traceA, 'in the trace of its events');
      t.equal(
        batchSpan!.parentSpanContext?.spanId,
        findSpan(`publish ${topic}`, sameTrace[0]!.envelope.id)?.spanContext().spanId,
        'below the first event',
      );
      t.equal(batchSpan!.links.length, 3, 'linked to each event');
      t.equal(whole.traceparent, traceparentOf(batchSpan!), 'the handler runs in the batch span');
    }
    // The mixed batch (if the transport delivered it as one) starts its own trace, linked to both.
    const mixedBatch = processSpans.find(
      (s) => s.attributes['messaging.batch.message_count'] === 2 && s.links.length === 2,
    );
    if (batches.some((b) => b.ids.length === 2 && b.ids.includes(mixed[1]!.envelope.id))) {
      t.ok(mixedBatch, 'a batch span for the mixed batch');
      t.equal(mixedBatch!.parentSpanContext, undefined, 'a root of its own');
      t.notOk([traceA, traceB].includes(traceOf(mixedBatch!)), 'neither document trace');
      const handled = batches.find((b) => b.ids.includes(mixed[1]!.envelope.id))!;
      t.equal(handled.traceparent, traceparentOf(mixedBatch!), 'the handler runs in the batch span');
    }
    for (const span of processSpans) t.equal(span.kind, SpanKind.CONSUMER);
  });

  void t.test(`${transport.system}: a failing handler marks its spans as errors`, bounded, async (t) => {
    const { bus, newTopic } = await transport.open(t);
    const topic = await newTopic();
    const event = makeEvent(topic, 'k', 1);
    await bus.publish([event]);
    const group = randomName('g');
    let tries = 0;
    const sub = await bus.subscribe({
      group,
      topics: [topic],
      maxAttempts: 2,
      retryBackoffMs: 1,
      handler: async () => {
        tries++;
        throw new Error('register is closed');
      },
    });
    t.teardown(() => sub.stop());
    await waitFor(() => tracing.spansNamed(`process ${topic}`).length >= 2 && tries >= 2, 30_000, 'two failed tries');
    const spans = tracing.spansNamed(`process ${topic}`);
    t.same(
      spans.map((s) => s.attributes['lienthong.delivery.attempt']),
      [1, 2],
      'one span per try',
    );
    for (const span of spans) {
      t.equal(span.status.code, SpanStatusCode.ERROR);
      t.match(span.status.message, /register is closed/);
      t.ok(
        span.events.some((e) => e.name === 'exception'),
        'exception recorded',
      );
    }
  });
}
