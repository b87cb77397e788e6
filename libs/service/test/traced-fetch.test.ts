import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import type { Test } from 'tap';
import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import { startTestTracing, type TestTracing } from '../../../test/support/tracing.ts';
import { traceparentOf, tracedFetch } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

/** A local server that answers 200 (or `status`) and keeps the headers of each request. */
async function recordingServer(t: Test, status = 200): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.writeHead(status, { 'content-type': 'text/plain' }).end('ok'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

// Before any SDK is registered in this process: the API is a no-op.
void t.test('without a started SDK tracedFetch sends the request as given', async (t) => {
  const { url, seen } = await recordingServer(t);
  const response = await tracedFetch(`${url}/v1/tsa`, { method: 'POST', headers: { 'x-kept': '1' }, body: 'q' });
  t.equal(response.status, 200);
  t.equal(await response.text(), 'ok');
  t.equal(seen[0]!['traceparent'], undefined, 'no traceparent added');
  t.equal(seen[0]!['x-kept'], '1', 'the caller’s headers kept');
});

let tracing: TestTracing;
void t.test('start the in-memory SDK', async () => {
  tracing = startTestTracing();
});
t.teardown(() => tracing?.stop());

void t.test('a handler runs in its request span, and its calls continue the trace', async (t) => {
  const { url, seen } = await recordingServer(t);
  const { app } = await buildTestApp();
  t.teardown(() => app.close());
  let inHandler: string | undefined;
  app.post('/documents/:id/issue', { config: { public: true } }, async (request) => {
    await new Promise((resolve) => setImmediate(resolve));
    inHandler = traceparentOf();
    const answer = await tracedFetch(`${url}/v1/keys/k1/pdf-signatures?x=1`, { method: 'POST' }, 'signing sign pdf');
    return { status: answer.status, id: (request.params as { id: string }).id };
  });
  const callerTrace = '0af7651916cd43dd8448eb211c80319c';
  // A real socket: the body arrives in stream events, outside the context onRequest entered.
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const res = await fetch(`${address}/documents/7/issue`, {
    method: 'POST',
    headers: { traceparent: `00-${callerTrace}-b7ad6b7169203331-01`, 'content-type': 'application/json' },
    body: JSON.stringify({ approver: 'a'.repeat(100_000) }),
  });
  t.equal(res.status, 200);

  const server = tracing.spansNamed('POST /documents/:id/issue')[0];
  const client = tracing.spansNamed('signing sign pdf')[0];
  t.ok(server, 'server span');
  t.ok(client, 'client span');
  t.equal(server!.spanContext().traceId, callerTrace, "the caller's trace");
  t.equal(
    inHandler,
    `00-${callerTrace}-${server!.spanContext().spanId}-01`,
    'context.active() in the handler, after the body was parsed, is the request span',
  );
  t.equal(client!.kind, SpanKind.CLIENT);
  t.equal(client!.parentSpanContext?.spanId, server!.spanContext().spanId, 'client span below the server span');
  t.match(client!.attributes, {
    'http.request.method': 'POST',
    'http.response.status_code': 200,
    'server.address': '127.0.0.1',
  });
  t.notMatch(String(client!.attributes['url.full']), /\?/, 'no query string recorded');
  t.equal(
    seen[0]!['traceparent'],
    `00-${callerTrace}-${client!.spanContext().spanId}-01`,
    'the callee gets the client span as its parent',
  );
});

void t.test('tracedFetch keeps the caller’s headers of every form and replaces a traceparent', async (t) => {
  const { url, seen } = await recordingServer(t);
  const root = trace.getTracer('test').startSpan('job');
  await context.with(trace.setSpan(context.active(), root), async () => {
    await tracedFetch(url, { headers: new Headers({ authorization: 'Bearer a' }) });
    await tracedFetch(url, { headers: [['authorization', 'Bearer b']] });
    await tracedFetch(url, { headers: { traceparent: '00-forged0000000000000000000000000-0000000000000001-01' } });
  });
  root.end();
  t.same(
    seen.map((h) => h.authorization),
    ['Bearer a', 'Bearer b', undefined],
  );
  for (const headers of seen) {
    t.match(headers.traceparent, new RegExp(`^00-${root.spanContext().traceId}-[0-9a-f]{16}-01$`));
  }
});

void t.test('a failed call ends its span as an error and rejects as fetch does', async (t) => {
  const { url } = await recordingServer(t, 503);
  const answered = await tracedFetch(url, {}, 'intake register incoming');
  t.equal(answered.status, 503, 'an error answer is still an answer');
  const refused = await tracedFetch('http://127.0.0.1:1/', {}, 'signing seal').catch((err: unknown) => err);
  t.type(refused, TypeError, 'the fetch error as is');
  const [error] = tracing.spansNamed('intake register incoming');
  const [failed] = tracing.spansNamed('signing seal');
  t.equal(error!.status.code, SpanStatusCode.ERROR);
  t.equal(failed!.status.code, SpanStatusCode.ERROR);
  t.ok(
    failed!.events.some((e) => e.name === 'exception'),
    'exception recorded',
  );
  await t.rejects(tracedFetch('not a url'), TypeError, 'a bad URL rejects, never throws synchronously');
});
