import { once } from 'node:events';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { metrics, trace } from '@opentelemetry/api';
import { startTelemetry } from '../src/index.ts';

interface Received {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** A stand-in OTLP/HTTP collector on 127.0.0.1: records each request and answers 200. */
async function startCollector(): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        method: request.method ?? '',
        path: request.url ?? '',
        contentType: request.headers['content-type'] ?? '',
        body: Buffer.concat(chunks),
      });
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    received,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

void t.test("'none' registers no SDK: spans stay the API's no-op ones", async (t) => {
  const telemetry = await startTelemetry({ serviceName: 'test', tracesExporter: 'none', metricsExporter: 'none' });
  t.notOk(trace.getTracer('test').startSpan('issue document').isRecording(), 'a no-op span');
  await t.resolves(telemetry.shutdown());
});

void t.test("'console' registers a tracer provider that records spans", async (t) => {
  const printed: unknown[] = [];
  const original = console.dir;
  console.dir = (value: unknown) => {
    printed.push(value);
  };
  t.teardown(() => {
    console.dir = original;
    trace.disable();
  });
  const telemetry = await startTelemetry({ serviceName: 'test', tracesExporter: 'console', metricsExporter: 'none' });
  const span = trace.getTracer('test').startSpan('issue document');
  t.ok(span.isRecording(), 'a real span, not the no-op one');
  span.end();
  await telemetry.shutdown();
  t.match(printed, [{ name: 'issue document' }], 'exported to the console');
});

void t.test("'otlp' sends spans and metrics to the endpoint's /v1/traces and /v1/metrics", async (t) => {
  const collector = await startCollector();
  t.teardown(async () => {
    trace.disable();
    metrics.disable();
    await collector.close();
  });
  const telemetry = await startTelemetry({
    serviceName: 'test-otlp',
    tracesExporter: 'otlp',
    metricsExporter: 'otlp',
    endpoint: collector.url,
  });
  const span = trace.getTracer('test').startSpan('issue document');
  t.ok(span.isRecording(), 'a real tracer is registered');
  span.end();
  metrics.getMeter('test').createCounter('documents_issued_total').add(1);
  // Shutdown flushes the batch span processor and makes the metric reader's last export.
  await telemetry.shutdown();

  const traces = collector.received.filter((r) => r.path === '/v1/traces');
  t.equal(traces.length, 1, 'one trace export');
  t.equal(traces[0]?.method, 'POST');
  t.ok(traces[0]?.body.includes('issue document'), 'the span name is in the export');
  t.ok(traces[0]?.body.includes('test-otlp'), 'with the service name');
  const exported = collector.received.filter((r) => r.path === '/v1/metrics');
  t.ok(exported.length >= 1, 'a metrics export');
  t.ok(
    exported.some((r) => r.body.includes('documents_issued_total')),
    'the counter is in it',
  );
  t.same(
    collector.received.map((r) => r.path).filter((p) => p !== '/v1/traces' && p !== '/v1/metrics'),
    [],
    'nothing else was sent',
  );
});
