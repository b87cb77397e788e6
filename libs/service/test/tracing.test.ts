import t from 'tap';
import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { traceparentOf } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

void t.test('each request gets a server span that continues the caller traceparent', async (t) => {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  t.teardown(async () => {
    await provider.shutdown();
    trace.disable();
    propagation.disable();
  });

  const { app } = await buildTestApp();
  app.get('/documents/:id', { config: { public: true } }, async (request) => ({
    traceparent: traceparentOf(request.otelContext),
  }));
  t.teardown(() => app.close());

  const traceId = '0af7651916cd43dd8448eb211c80319c';
  const res = await app.inject({
    method: 'GET',
    url: '/documents/7',
    headers: { traceparent: `00-${traceId}-b7ad6b7169203331-01` },
  });
  t.equal(res.statusCode, 200);
  t.match(res.json().traceparent, new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`), 'handler work joins the trace');

  const [span] = exporter.getFinishedSpans();
  t.ok(span, 'span exported');
  t.equal(span!.name, 'GET /documents/:id');
  t.equal(span!.spanContext().traceId, traceId);
  t.match(span!.attributes, {
    'http.route': '/documents/:id',
    'http.response.status_code': 200,
    'url.path': '/documents/7',
  });
});
