/**
 * The platform's gauges on a real PostgreSQL and the Postgres-backed bus: the outbox's backlog
 * and age, each consumer group's lag and the dead letters of its topics, read at each scrape;
 * a database that does not answer leaves `/metrics` answering.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t, { type Test } from 'tap';
import { createEnvelope, openBusBacklog, type OutgoingEvent } from '@lienthong/bus';
import { createPool, enqueueEvents, withTransaction } from '@lienthong/db';
import { createLogger, scrapeRead, watchConsumers, type Platform } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';
import { connectTestPlatform, dropTestSchemas } from '../../../test/support/platform.ts';
import { buildTestApp } from './helpers.ts';

const logger = createLogger({ name: 'test', level: 'silent' });

/** The value of the sample of `name` whose labels include `labels` (undefined: none). */
function sample(body: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of body.split('\n')) {
    const match = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const has = Object.entries(labels).every(([k, v]) => (match[2] ?? '').includes(`${k}="${v}"`));
    if (has) return Number(match[3]);
  }
  return undefined;
}

const event = (topic: string, n: number): OutgoingEvent => ({
  topic,
  key: `k${n}`,
  envelope: createEnvelope({ type: 'test.happened', source: 'test', subject: `s${n}`, data: { n } }),
});

async function platformApp(t: Test) {
  const schema = `svc_metrics_${randomBytes(4).toString('hex')}`;
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-metrics-'));
  const platform = await connectTestPlatform(schema, [], logger, dir);
  const { app } = await buildTestApp({ platform });
  t.teardown(async () => {
    await app.close();
    await dropTestSchemas(schema);
    await rm(dir, { recursive: true, force: true });
  });
  const metrics = async () => {
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    t.equal(res.statusCode, 200, '/metrics answers');
    return res.body;
  };
  return { app, platform, metrics, schema };
}

void t.test('the outbox gauges: rows not yet on the bus and the age of the oldest', async (t) => {
  const { platform, metrics } = await platformApp(t);
  let body = await metrics();
  t.equal(sample(body, 'lienthong_outbox_pending', { service: 'test' }), 0, 'an empty outbox');
  t.equal(sample(body, 'lienthong_outbox_oldest_pending_seconds', { service: 'test' }), 0);

  await withTransaction(platform.pool, (c) =>
    enqueueEvents(c, [event('lienthong.test.v1', 1), event('lienthong.test.v1', 2)]),
  );
  await platform.pool.query(
    `UPDATE outbox SET created_at = now() - interval '10 minutes' WHERE id = (SELECT min(id) FROM outbox)`,
  );
  body = await metrics();
  t.equal(sample(body, 'lienthong_outbox_pending'), 2, 'the test platform has no relay: both wait');
  t.ok(sample(body, 'lienthong_outbox_oldest_pending_seconds')! >= 600, 'the oldest, ten minutes ago');

  // The relay's watermark past both rows: nothing waits.
  await platform.pool.query(`UPDATE outbox_relayed SET up_to = (SELECT max(id) FROM outbox)`);
  body = await metrics();
  t.equal(sample(body, 'lienthong_outbox_pending'), 0);
  t.equal(sample(body, 'lienthong_outbox_oldest_pending_seconds'), 0);
});

void t.test('the bus gauges: the lag of each group the service runs and its dead letters', async (t) => {
  const { platform, metrics } = await platformApp(t);
  const slow = `lienthong.slow-${randomBytes(3).toString('hex')}.v1`;
  const broken = `lienthong.broken-${randomBytes(3).toString('hex')}.v1`;
  await platform.bus.ensureTopics([slow, broken]);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let handled = 0;
  const slowSub = await platform.bus.subscribe({
    group: 'test-slow',
    topics: [slow],
    handler: async () => {
      await gate;
      handled++;
    },
  });
  t.teardown(() => slowSub.stop());
  let failed = 0;
  const brokenSub = await platform.bus.subscribe({
    group: 'test-broken',
    topics: [broken],
    maxAttempts: 1,
    handler: async () => {
      failed++;
      throw new Error('down');
    },
  });
  t.teardown(() => brokenSub.stop());
  await platform.bus.publish([1, 2, 3].map((n) => event(slow, n)));
  await platform.bus.publish([4, 5].map((n) => event(broken, n)));

  const until = async (what: string, ok: (body: string) => boolean): Promise<string> => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const body = await metrics();
      if (ok(body)) return body;
      if (Date.now() > deadline) throw new Error(`${what}: not seen in 30 s\n${body}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  let body = await until('two dead letters', (b) => sample(b, 'lienthong_bus_dead_letters', { topic: broken }) === 2);
  t.equal(failed, 2);
  t.equal(
    sample(body, 'lienthong_bus_consumer_lag', { topic: slow, group: 'test-slow', service: 'test' }),
    3,
    'the held group is three behind',
  );
  t.equal(
    sample(body, 'lienthong_bus_consumer_lag', { topic: broken, group: 'test-broken' }),
    0,
    'dead letters are consumed',
  );
  t.equal(sample(body, 'lienthong_bus_dead_letters', { topic: slow }), 0);

  release();
  await until('the lag gone', (b) => sample(b, 'lienthong_bus_consumer_lag', { topic: slow }) === 0);
  t.equal(handled, 3);

  // A stopped group leaves no series behind.
  await slowSub.stop();
  body = await metrics();
  t.equal(sample(body, 'lienthong_bus_consumer_lag', { group: 'test-slow' }), undefined);
  t.equal(sample(body, 'lienthong_bus_consumer_lag', { group: 'test-broken' }), 0);
});

void t.test('a database that does not answer leaves /metrics answering', async (t) => {
  // A schema with no outbox table, and a bus pool that is closed: every read fails.
  const pool = createPool({ url: testEnv.databaseUrl, schema: `svc_none_${randomBytes(4).toString('hex')}` });
  const busPool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 1 });
  await busPool.end();
  const watched = watchConsumers(
    {
      publish: async () => undefined,
      ensureTopics: async () => undefined,
      subscribe: async () => ({ stop: async () => undefined }),
      ping: async () => undefined,
      close: async () => undefined,
    },
    openBusBacklog({ transport: 'postgres', pool: busPool, schema: 'bus' }),
  );
  await watched.bus.subscribe({ group: 'g', topics: ['lienthong.x.v1'], handler: async () => undefined });
  const platform: Platform = {
    pool,
    bus: watched.bus,
    backlog: watched.backlog,
    store: undefined as unknown as Platform['store'],
    checks: [],
    close: () => pool.end(),
  };
  const { app } = await buildTestApp({ platform });
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.body, /^process_cpu_user_seconds_total/m, 'the process metrics still come');
  t.equal(sample(res.body, 'lienthong_bus_consumer_lag'), undefined, 'no lag figure made up');
});

void t.test('a read that hangs is not waited for: the scrape goes on without it', async (t) => {
  const errors: unknown[] = [];
  let calls = 0;
  const read = scrapeRead(
    () => {
      calls++;
      return new Promise<number>(() => undefined);
    },
    (error) => errors.push(error),
    50,
  );
  const [first, second] = await Promise.all([read(), read()]);
  t.equal(first, undefined);
  t.equal(second, undefined);
  t.equal(calls, 1, 'the gauges of one scrape share one read');
  t.match(errors, [{ message: /took over 50 ms/ }]);
  const ok = scrapeRead(async () => 7);
  t.equal(await ok(), 7);
});
