import { randomBytes } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { SpanKind, context, trace } from '@opentelemetry/api';
import { createEnvelope, deadLetterTopic, type EventEnvelope } from '@lienthong/bus';
import { testEnv } from '../../../test/support/env.ts';
import { startTestTracing, type ReadableSpan } from '../../../test/support/tracing.ts';
import { kafkaTransport, postgresTransport } from '../../../test/support/transports.ts';
import { createOutboxRelay, enqueueEvents, migrate, withTransaction } from '../src/index.ts';
import type { OutboxEvent } from '../src/index.ts';
import { useSchema, waitFor } from './helpers.ts';

const tracing = startTestTracing();
t.teardown(() => tracing.stop());
const tracer = trace.getTracer('outbox-tracing-test');
const bounded = { timeout: 60_000 };

const traceparentOf = (span: { spanContext(): { traceId: string; spanId: string } }): string =>
  `00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`;

function eventOn(topic: string, n: number, traceparent?: string): OutboxEvent {
  return {
    topic,
    key: 'office-1',
    envelope: createEnvelope({
      type: 'test.happened',
      source: 'db-test',
      subject: 'doc-1',
      data: { n },
      ...(traceparent === undefined ? {} : { traceparent }),
    }),
  };
}

async function storedEnvelopes(pool: { query: (sql: string) => Promise<{ rows: unknown[] }> }) {
  const { rows } = await pool.query('SELECT envelope FROM outbox ORDER BY id');
  return (rows as Array<{ envelope: EventEnvelope }>).map((r) => r.envelope);
}

void t.test('an event enqueued without a traceparent takes the active span’s, and only then', async (t) => {
  const { schema, makePool } = useSchema(t, testEnv.databaseUrl);
  const pool = makePool();
  await migrate(pool, schema, []);
  const outside = eventOn('lienthong.test.v1', 0);
  await withTransaction(pool, (c) => enqueueEvents(c, [outside]));
  const request = tracer.startSpan('POST /v1/documents', { kind: SpanKind.SERVER });
  const given = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
  const inside = [eventOn('lienthong.test.v1', 1), eventOn('lienthong.test.v1', 2, given)];
  await context.with(trace.setSpan(context.active(), request), () =>
    withTransaction(pool, (c) => enqueueEvents(c, inside)),
  );
  request.end();
  const stored = await storedEnvelopes(pool);
  t.equal(stored[0]!.traceparent, undefined, 'no span, no traceparent');
  t.equal(stored[1]!.traceparent, traceparentOf(request), 'the request span');
  t.equal(stored[2]!.traceparent, given, 'a traceparent given is kept');
  t.equal(inside[0]!.envelope.traceparent, undefined, "the caller's envelope is left as it was");
});

for (const fixture of [kafkaTransport(), postgresTransport()]) {
  void t.test(
    `${fixture.name}: request -> outbox -> relay publish -> consumer -> its outbox -> next consumer`,
    bounded,
    async (t) => {
      const system = fixture.name === 'kafka' ? 'kafka' : 'postgres-log';
      t.teardown(() => fixture.close());
      const suffix = randomBytes(5).toString('hex');
      const [issued, sent] = [`lienthong.trace-issued-${suffix}`, `lienthong.trace-sent-${suffix}`];
      if (fixture.name === 'kafka') {
        const admin = new Kafka({ brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING }).admin();
        t.teardown(async () => {
          await admin.connect();
          const topics = [issued, sent].flatMap((x) => [x, deadLetterTopic(x)]);
          await admin.deleteTopics({ topics }).catch(() => undefined);
          await admin.disconnect();
        });
      }
      const bus = fixture.createBus(`trace-${suffix}`);
      t.teardown(() => bus.close());
      await bus.ensureTopics([issued, sent]);

      // Two "services", each with its outbox schema and relay.
      const intake = useSchema(t, testEnv.databaseUrl);
      const delivery = useSchema(t, testEnv.databaseUrl);
      const intakePool = intake.makePool();
      const deliveryPool = delivery.makePool();
      await migrate(intakePool, intake.schema, []);
      await migrate(deliveryPool, delivery.schema, []);
      const intakeRelay = createOutboxRelay({ pool: intakePool, schema: intake.schema, publisher: bus });
      const deliveryRelay = createOutboxRelay({ pool: deliveryPool, schema: delivery.schema, publisher: bus });

      const fanOutGroup = `fan-out-${suffix}`;
      const inboxGroup = `inbox-${suffix}`;
      const inbox: string[] = [];
      const subs = [
        await bus.subscribe({
          group: fanOutGroup,
          topics: [issued],
          handler: async (event) => {
            await withTransaction(deliveryPool, (c) =>
              enqueueEvents(c, [eventOn(sent, (event.data as { n: number }).n)]),
            );
          },
        }),
        await bus.subscribe({
          group: inboxGroup,
          topics: [sent],
          handleBatch: async (events) => void inbox.push(...events.map((e) => e.id)),
        }),
      ];
      t.teardown(() => Promise.all(subs.map((s) => s.stop())));

      const request = tracer.startSpan('POST /v1/documents/:id/issue', { kind: SpanKind.SERVER });
      const issuedEvent = eventOn(issued, 7);
      await context.with(trace.setSpan(context.active(), request), () =>
        withTransaction(intakePool, (c) => enqueueEvents(c, [issuedEvent])),
      );
      request.end();
      t.equal(await intakeRelay.relayOnce(), 1, 'intake relays its row');
      await waitFor(async () => (await storedEnvelopes(deliveryPool)).length === 1, 30_000);
      t.equal(await deliveryRelay.relayOnce(), 1, 'delivery relays its row');
      await waitFor(() => inbox.length === 1, 30_000);

      const spans = tracing.spansOfTrace(request.spanContext().traceId);
      const named = (name: string, group?: string): ReadableSpan => {
        const span = spans.find(
          (s) => s.name === name && (group === undefined || s.attributes['messaging.consumer.group.name'] === group),
        );
        if (span === undefined) throw new Error(`no span ${name} in the trace: ${spans.map((s) => s.name).join(', ')}`);
        return span;
      };
      const publishIssued = named(`publish ${issued}`);
      const fanOut = named(`process ${issued}`, fanOutGroup);
      const publishSent = named(`publish ${sent}`);
      const inboxSpan = named(`process ${sent}`, inboxGroup);
      t.equal(publishIssued.parentSpanContext?.spanId, request.spanContext().spanId, 'relay publish below the request');
      t.equal(publishIssued.attributes['messaging.system'], system);
      t.equal(publishIssued.attributes['messaging.message.id'], issuedEvent.envelope.id);
      t.equal(fanOut.parentSpanContext?.spanId, publishIssued.spanContext().spanId, 'consumer below the publish');
      const [followUp] = await storedEnvelopes(deliveryPool);
      t.equal(followUp!.traceparent, traceparentOf(fanOut), "the consumer's own outbox event carries its span");
      t.equal(publishSent.parentSpanContext?.spanId, fanOut.spanContext().spanId, 'second publish below the consumer');
      t.equal(inboxSpan.parentSpanContext?.spanId, publishSent.spanContext().spanId, 'next consumer below it');
      t.equal(inboxSpan.kind, SpanKind.CONSUMER);
    },
  );
}
