import t from 'tap';
import { buildTestApp } from './helpers.ts';

void t.test('/metrics exposes process metrics and the request histogram after a request', async (t) => {
  const { app } = await buildTestApp();
  app.get('/documents/:id', { config: { public: true } }, async () => ({ ok: true }));
  t.teardown(() => app.close());
  await app.inject({ method: 'GET', url: '/documents/123' });
  await app.inject({ method: 'GET', url: '/missing' });
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.match(res.body, /^# TYPE http_request_duration_seconds histogram$/m);
  t.match(
    res.body,
    /^http_request_duration_seconds_count\{service="test",method="GET",route="\/documents\/:id",status="200"\} 1$/m,
    'labelled with the route template, not the URL',
  );
  t.match(
    res.body,
    /^http_request_duration_seconds_count\{service="test",method="GET",route="unmatched",status="404"\} 1$/m,
  );
  t.notMatch(res.body, /documents\/123/);
  t.match(res.body, /^process_cpu_user_seconds_total/m, 'default process metrics');
});

void t.test('two apps in one process have separate registries', async (t) => {
  const first = await buildTestApp();
  const second = await buildTestApp();
  t.teardown(async () => {
    await first.app.close();
    await second.app.close();
  });
  t.not(first.app.metrics.registry, second.app.metrics.registry);
  await first.app.inject({ method: 'GET', url: '/healthz' });
  const metrics = (await second.app.inject({ method: 'GET', url: '/metrics' })).body;
  t.notMatch(metrics, /route="\/healthz"/);
});
