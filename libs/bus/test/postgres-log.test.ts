import { randomBytes } from 'node:crypto';
import pg from 'pg';
import t, { type Test } from 'tap';
import { createBus } from '../src/config.ts';
import { createPostgresBus, type PostgresBus, type PostgresBusOptions } from '../src/postgres-bus.ts';
import { channelOf } from '../src/postgres-schema.ts';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { makeEvent, randomName, waitFor } from './helpers.ts';

/** A fresh schema and a factory of buses on it (each with its own pool); all cleaned up after. */
function useLog(t: Test): {
  schema: string;
  pool: pg.Pool;
  open: (options?: Partial<PostgresBusOptions>) => PostgresBus;
} {
  const schema = `t_bus_${randomBytes(5).toString('hex')}`;
  const pools: pg.Pool[] = [];
  const buses: PostgresBus[] = [];
  const newPool = (): pg.Pool => {
    const p = new pg.Pool({ connectionString: testDatabaseUrl, max: 5 });
    pools.push(p);
    return p;
  };
  const pool = newPool();
  t.teardown(async () => {
    await Promise.all(buses.map((b) => b.close()));
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(pools.map((p) => p.end()));
  });
  return {
    schema,
    pool,
    open: (options = {}) => {
      const bus = createPostgresBus({ pool: newPool(), schema, pollIntervalMs: 50, ...options });
      buses.push(bus);
      return bus;
    },
  };
}

void t.test(
  'concurrent publishers never make a consumer skip a row that commits late',
  { timeout: 30_000 },
  async (t) => {
    const { open } = useLog(t);
    const [a, b, c] = [open(), open(), open()];
    const topic = 'lienthong.race.v1';
    const seen = new Set<number>();
    const sub = await c.subscribe({
      group: 'g',
      topics: [topic],
      handler: async (e) => void seen.add((e.data as { n: number }).n),
    });
    t.teardown(() => sub.stop());
    await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 ? a : b).publish(Array.from({ length: 10 }, (_, j) => makeEvent(topic, `k${j}`, i * 10 + j))),
      ),
    );
    await waitFor(() => seen.size >= 200, 20_000, '200 events');
    t.equal(seen.size, 200);
  },
);

void t.test(
  'a pair held by a process that died is taken over when its lease expires',
  { timeout: 30_000 },
  async (t) => {
    const { schema, pool, open } = useLog(t);
    const bus = open();
    const topic = 'lienthong.lease.v1';
    await bus.ensureSchema();
    await pool.query(
      `INSERT INTO "${schema}".positions (group_id, topic, position, owner, lease_until) VALUES ('g', $1, 0, 'dead-process', now() + interval '300 milliseconds')`,
      [topic],
    );
    await bus.publish([makeEvent(topic, 'k', 1)]);
    const seen: number[] = [];
    const sub = await bus.subscribe({
      group: 'g',
      topics: [topic],
      handler: async (e) => void seen.push((e.data as { n: number }).n),
    });
    t.teardown(() => sub.stop());
    await waitFor(() => seen.length >= 1, 10_000, 'takeover');
    const { rows } = await pool.query<{ owner: string }>(
      `SELECT owner FROM "${schema}".positions WHERE group_id = 'g'`,
    );
    t.not(rows[0]?.owner, 'dead-process', 'the lease changed hands');
    t.same(seen, [1]);
  },
);

void t.test(
  'fromBeginning false starts at the end of the log as it is when subscribe resolves',
  { timeout: 30_000 },
  async (t) => {
    const { open } = useLog(t);
    const bus = open();
    const topic = 'lienthong.latest.v1';
    await bus.publish([makeEvent(topic, 'k', 1)]);
    const seen: number[] = [];
    const sub = await bus.subscribe({
      group: 'g',
      topics: [topic],
      fromBeginning: false,
      handler: async (e) => void seen.push((e.data as { n: number }).n),
    });
    t.teardown(() => sub.stop());
    await bus.publish([makeEvent(topic, 'k', 2)]);
    await waitFor(() => seen.length >= 1, 10_000, 'event 2');
    t.same(seen, [2]);
  },
);

void t.test('schema set-up is idempotent and safe when processes start together', async (t) => {
  const { schema, pool, open } = useLog(t);
  await Promise.all([open().ensureSchema(), open().ensureSchema(), open().ensureTopics(['a.v1'])]);
  await open().ensureSchema();
  const { rows } = await pool.query<{ topic: string }>(`SELECT topic FROM "${schema}".topics ORDER BY topic`);
  t.same(
    rows.map((r) => r.topic),
    ['a.v1', 'a.v1.dlq'],
    'ensureTopics records each topic and its dead-letter topic',
  );
});

void t.test('ping fails with BUS_UNAVAILABLE when Postgres is unreachable; a closed bus refuses work', async (t) => {
  const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 1000 });
  t.teardown(() => dead.end());
  const bus = createPostgresBus({ pool: dead, schema: randomName('x').replace('-', '_') });
  await t.rejects(bus.ping(), { code: 'BUS_UNAVAILABLE' });
  const { open } = useLog(t);
  const live = open();
  await live.ping();
  await live.close();
  await t.rejects(live.publish([makeEvent('a.v1', 'k', 1)]), { code: 'BUS_CLOSED' });
  await t.rejects(live.subscribe({ group: 'g', topics: ['a.v1'], handler: async () => undefined }), {
    code: 'BUS_CLOSED',
  });
  t.throws(() => createPostgresBus({ pool: dead, schema: 'Bad-Schema' }), { code: 'BUS_SCHEMA_NAME_INVALID' });
});

void t.test('createBus builds the Postgres transport from config', async (t) => {
  const { schema, pool } = useLog(t);
  const bus = createBus({ transport: 'postgres', pool, schema });
  t.teardown(() => bus.close());
  await bus.ping();
  await bus.publish([makeEvent('a.v1', 'k', 1)]);
  const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "${schema}".log`);
  t.same(rows, [{ n: 1 }]);
});

void t.test('NOTIFY wakes a consumer of another process long before its next poll', { timeout: 30_000 }, async (t) => {
  const { schema, pool, open } = useLog(t);
  const producer = open();
  const consumer = open({ pollIntervalMs: 120_000 });
  const topic = 'lienthong.notify.v1';
  await producer.ensureSchema();
  const seen: number[] = [];
  const sub = await consumer.subscribe({
    group: 'g',
    topics: [topic],
    handler: async (e) => void seen.push((e.data as { n: number }).n),
  });
  t.teardown(() => sub.stop());
  // Wait until the consumer's LISTEN is in place (its connection's last statement).
  await waitFor(
    async () => {
      const { rows } = await pool.query(`SELECT 1 FROM pg_stat_activity WHERE query = $1`, [
        `LISTEN "${channelOf(schema)}"`,
      ]);
      return rows.length > 0;
    },
    10_000,
    'LISTEN in place',
  );
  await producer.publish([makeEvent(topic, 'k', 1)]);
  await waitFor(() => seen.length >= 1, 20_000, 'delivery woken by NOTIFY');
  t.same(seen, [1]);
});
