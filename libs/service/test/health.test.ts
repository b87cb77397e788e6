import t from 'tap';
import { buildTestApp } from './helpers.ts';

void t.test('/healthz answers 200 ok and is kept out of request logs', async (t) => {
  const { app, logs } = await buildTestApp({
    checks: [{ name: 'db', check: () => Promise.reject(new Error('down')) }],
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { status: 'ok' });
  t.notOk(
    logs.some((line) => line.msg === 'incoming request' || line.msg === 'request completed'),
    'no request log lines',
  );
});

void t.test('/readyz answers 200 when every check passes', async (t) => {
  let calls = 0;
  const { app } = await buildTestApp({
    checks: [
      {
        name: 'db',
        check: async () => {
          calls++;
        },
      },
      {
        name: 'bus',
        check: async () => {
          calls++;
        },
      },
    ],
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 200);
  t.same(res.json(), {
    status: 'ok',
    checks: [
      { name: 'db', status: 'ok' },
      { name: 'bus', status: 'ok' },
    ],
  });
  t.equal(calls, 2, 'each check ran');
});

void t.test('/readyz answers 503 problem+json listing a failing and a hanging check', async (t) => {
  const { app, logs } = await buildTestApp({
    readinessTimeoutMs: 50,
    checks: [
      { name: 'db', check: async () => {} },
      { name: 'bus', check: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:59192')) },
      // Never settles: only the per-check timeout can end it.
      { name: 'storage', check: () => new Promise<void>(() => {}) },
    ],
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  const body = res.json();
  t.match(body, { code: 'NOT_READY', status: 503, title: 'Service not ready', detail: 'failing: bus, storage' });
  t.same(body.checks, [
    { name: 'db', status: 'ok' },
    { name: 'bus', status: 'fail', detail: 'connect ECONNREFUSED 127.0.0.1:59192' },
    { name: 'storage', status: 'fail', detail: 'timed out after 50 ms' },
  ]);
  t.ok(
    logs.some((line) => line.msg === 'not ready' && line.level === 40),
    'logged as a warning',
  );
});

void t.test('a check may set its own timeout', async (t) => {
  const { app } = await buildTestApp({
    readinessTimeoutMs: 60_000,
    checks: [{ name: 'slow', timeoutMs: 20, check: () => new Promise<void>(() => {}) }],
  });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.json().checks, [{ name: 'slow', status: 'fail', detail: 'timed out after 20 ms' }]);
});
