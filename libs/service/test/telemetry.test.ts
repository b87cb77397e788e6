import t from 'tap';
import { metrics, trace } from '@opentelemetry/api';
import { startTelemetry } from '../src/index.ts';

void t.test("'none' starts nothing and shuts down at once", async (t) => {
  const telemetry = await startTelemetry({ serviceName: 'test', tracesExporter: 'none', metricsExporter: 'none' });
  await telemetry.shutdown();
  t.pass();
});

void t.test("'console' registers a tracer provider that records spans", async (t) => {
  const printed: unknown[] = [];
  const original = console.dir;
  console.dir = (value: unknown) => { printed.push(value); };
  t.teardown(() => { console.dir = original; trace.disable(); });
  const telemetry = await startTelemetry({ serviceName: 'test', tracesExporter: 'console', metricsExporter: 'none' });
  const span = trace.getTracer('test').startSpan('issue document');
  t.ok(span.isRecording(), 'a real span, not the no-op one');
  span.end();
  await telemetry.shutdown();
  t.match(printed, [{ name: 'issue document' }], 'exported to the console');
});

void t.test("'otlp' builds the OTLP/HTTP exporters and shuts down", async (t) => {
  t.teardown(() => { trace.disable(); metrics.disable(); });
  const telemetry = await startTelemetry({
    serviceName: 'test', tracesExporter: 'otlp', metricsExporter: 'otlp', endpoint: 'http://127.0.0.1:9/',
  });
  t.ok(trace.getTracer('test').startSpan('probe').isRecording(), 'a real tracer is registered');
  // The span is not ended: nothing to flush to the unreachable collector.
  await t.resolves(telemetry.shutdown());
});
