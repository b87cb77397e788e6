/**
 * What tracing costs the bus: N events published through the Kafka bus and consumed by one
 * group in batches (as delivery's and the archive's consumers take them), timed from the first publish until the handler has seen
 * them all. Figure: with an OpenTelemetry SDK registered as `startTelemetry` registers it (the
 * AsyncLocalStorage context manager, the W3C propagator, a batch span processor) and an
 * exporter that drops what it is given, so the spans are made, queued and exported but no
 * network is timed: one PRODUCER span per event (each the root of its own trace), one CONSUMER
 * span per batch and, the batch mixing traces, one per event below it, the traceparent in
 * every message. Baseline: the same bus with no SDK (the API's no-ops). The two
 * run in alternating rounds of the same run, each on a topic and group of its own.
 */
import { performance } from 'node:perf_hooks';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { ExportResultCode, W3CTraceContextPropagator } from '@opentelemetry/core';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { createEnvelope, createKafkaBus, type EventBus, type OutgoingEvent } from '@lienthong/bus';
import { uniqueName } from '../test/support/env.ts';
import type { Benchmark } from './types.ts';

const EVENTS = 20_000;
const BATCH = 500;
const PARTITIONS = 3;
const ROUNDS = 3;

/** Takes the spans and forgets them: the SDK's work is timed, not a collector's. */
class DroppingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: ExportResultCode }) => void): void {
    this.exported += spans.length;
    done({ code: ExportResultCode.SUCCESS });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

function makeEvents(topic: string, count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, seq) => {
    const key = `office-${seq % 100}`;
    return {
      topic,
      key,
      envelope: createEnvelope({ type: 'bench.traced', source: 'bench', subject: key, data: { seq } }),
    };
  });
}

/** Seconds from the first publish of `EVENTS` events until one group's handler has seen each. */
async function round(bus: EventBus, label: string): Promise<number> {
  const topic = uniqueName(`bench.${label}`).replace('_', '.');
  await bus.ensureTopics([topic]);
  const seen = new Set<string>();
  let all!: () => void;
  const finished = new Promise<void>((resolve) => (all = resolve));
  const subscription = await bus.subscribe({
    group: `${topic}.group`,
    topics: [topic],
    fromBeginning: true,
    maxBatch: BATCH,
    handleBatch: async (events) => {
      for (const event of events) seen.add(event.id);
      if (seen.size === EVENTS) all();
    },
  });
  const events = makeEvents(topic, EVENTS);
  const start = performance.now();
  for (let i = 0; i < events.length; i += BATCH) await bus.publish(events.slice(i, i + BATCH));
  await finished;
  const seconds = (performance.now() - start) / 1000;
  await subscription.stop();
  return seconds;
}

/** Registers an SDK as `startTelemetry` does, with the dropping exporter; returns how to unregister it. */
function registerSdk(exporter: DroppingExporter): () => Promise<void> {
  const provider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  return async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  };
}

const bench: Benchmark = {
  name: 'bus with tracing (publish and consumer spans)',
  target: 'report; ≥ 0.8 of the bus without tracing',
  targetRatio: 0.8,
  async run(env) {
    const brokers = (env.LIENTHONG_TEST_KAFKA_BROKERS ?? '127.0.0.1:59092').split(',');
    const bus = createKafkaBus({ brokers, clientId: 'bench-tracing', numPartitions: PARTITIONS });
    const exporter = new DroppingExporter();
    let plainSeconds = 0;
    let tracedSeconds = 0;
    try {
      await round(bus, 'warm');
      for (let r = 0; r < ROUNDS; r++) {
        plainSeconds += await round(bus, 'plain');
        const unregister = registerSdk(exporter);
        try {
          tracedSeconds += await round(bus, 'traced');
        } finally {
          await unregister();
        }
      }
    } finally {
      await bus.close();
    }
    return {
      figure: (ROUNDS * EVENTS) / tracedSeconds,
      baseline: (ROUNDS * EVENTS) / plainSeconds,
      unit: 'events/s',
      baselineName: 'the same bus, no SDK',
      detail: `${EVENTS} events a round through Kafka (${PARTITIONS} partitions, one group, batches of up to ${BATCH}), ${ROUNDS} alternating rounds; ${exporter.exported} spans exported`,
    };
  },
};
export default bench;
