import t from 'tap';
import { buildApp, loadIntakeConfig } from '../src/index.ts';

const config = loadIntakeConfig({
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://postgres@127.0.0.1:56432/lienthong',
  LIENTHONG_STORAGE_DIR: '/tmp/lienthong-test',
  LIENTHONG_LOG_LEVEL: 'silent',
});

void t.test('defaults to port 8081', async (t) => {
  t.equal(config.port, 8081);
});

void t.test('builds; /healthz, /readyz and /docs/json answer', async (t) => {
  const app = await buildApp(config, { checks: [{ name: 'db', check: async () => {} }] });
  t.teardown(() => app.close());
  const health = await app.inject({ method: 'GET', url: '/healthz' });
  t.equal(health.statusCode, 200);
  t.same(health.json(), { status: 'ok' });
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200);
  const docs = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(docs.statusCode, 200);
  t.match(docs.json(), { openapi: '3.1.0', info: { title: 'lienthong intake' } });
  t.ok(docs.json().paths['/healthz'], 'routes are documented');
});

void t.test('/readyz is 503 when an injected check fails', async (t) => {
  const app = await buildApp(config, { checks: [{ name: 'db', check: () => Promise.reject(new Error('down')) }] });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.json(), { code: 'NOT_READY', checks: [{ name: 'db', status: 'fail', detail: 'down' }] });
});
