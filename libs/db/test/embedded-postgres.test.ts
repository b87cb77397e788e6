import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import pg from 'pg';
import {
  createOutboxRelay,
  createPool,
  enqueueEvents,
  handleOnce,
  kitMigrations,
  migrate,
  startEmbeddedPostgres,
  withTransaction,
} from '../src/index.ts';
import { makeEvent, RecordingPublisher, useSchema, waitFor } from './helpers.ts';
import { migrationSuite } from './suites/migration-suite.ts';
import { outboxSuite } from './suites/outbox-suite.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-pglite-'));
const embedded = await startEmbeddedPostgres({ dataDir });
t.teardown(async () => {
  await embedded.stop();
  await rm(dataDir, { recursive: true, force: true });
});

migrationSuite(t, embedded.url);
outboxSuite(t, embedded.url);

void t.test('four services, four pools, one PGlite: each sees only its own schema', async (t) => {
  const services = Array.from({ length: 4 }, () => useSchema(t, embedded.url));
  const pools = services.map((s) => s.makePool(4));
  await Promise.all(
    services.map((s, i) =>
      migrate(pools[i]!, s.schema, [{ id: '0001_box', sql: 'CREATE TABLE box (owner int NOT NULL)' }]),
    ),
  );
  // Many clients of every pool at once, parameterized statements and transactions interleaved.
  await Promise.all(
    pools.flatMap((pool, owner) =>
      Array.from({ length: 4 }, async () => {
        for (let n = 0; n < 10; n++) {
          await withTransaction(pool, async (c) => {
            await c.query('INSERT INTO box (owner) VALUES ($1)', [owner]);
            await enqueueEvents(c, [makeEvent(`owner-${owner}`, n)]);
            t.equal(await handleOnce(c, 'test', makeEvent('x', n).envelope.id), true);
          });
          const { rows } = await pool.query<{ owner: number }>('SELECT DISTINCT owner FROM box');
          if (rows.length !== 1 || rows[0]!.owner !== owner) t.fail(`pool ${owner} saw ${JSON.stringify(rows)}`);
        }
      }),
    ),
  );
  for (const [owner, pool] of pools.entries()) {
    const { rows } = await pool.query<{ n: number; k: string }>('SELECT count(*)::int AS n, min(key) AS k FROM outbox');
    t.same(rows[0], { n: 40, k: `owner-${owner}` });
  }
});

void t.test('concurrent migrate from 5 pools through the socket', async (t) => {
  const { schema, makePool } = useSchema(t, embedded.url);
  const pools = Array.from({ length: 5 }, () => makePool(2));
  const migrations = [{ id: '0001_a', sql: 'CREATE TABLE a (id int PRIMARY KEY); INSERT INTO a VALUES (1)' }];
  const ran = await Promise.all(pools.map((p) => migrate(p, schema, migrations)));
  t.equal(ran.flat().length, kitMigrations.length + 1, 'each migration applied by exactly one pool');
});

void t.test('a running relay delivers through the socket (polling; NOTIFY stays on the writer)', async (t) => {
  const { schema, makePool } = useSchema(t, embedded.url);
  const pool = makePool(3);
  await migrate(pool, schema, []);
  const publisher = new RecordingPublisher();
  const relay = createOutboxRelay({ pool, schema, publisher, pollIntervalMs: 20, batchSize: 4 });
  relay.start();
  t.teardown(() => relay.stop());
  const events = Array.from({ length: 25 }, (_, n) => makeEvent('k', n));
  for (let i = 0; i < 25; i += 5) await withTransaction(pool, (c) => enqueueEvents(c, events.slice(i, i + 5)));
  await waitFor(() => publisher.events.length === 25);
  await relay.stop();
  t.same(
    publisher.events.map((e) => e.envelope.id),
    events.map((e) => e.envelope.id),
  );
});

void t.test('NOTIFY reaches the connections that LISTEN, and only those', async (t) => {
  const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: embedded.url }));
  await Promise.all(clients.map((c) => c.connect()));
  t.teardown(() => Promise.all(clients.map((c) => c.end())));
  const [listener, notifier, bystander] = clients as [pg.Client, pg.Client, pg.Client];
  const heard: string[] = [];
  listener.on('notification', (m) => heard.push(`listener:${m.channel}:${m.payload}`));
  notifier.on('notification', (m) => heard.push(`notifier:${m.channel}:${m.payload}`));
  bystander.on('notification', (m) => heard.push(`bystander:${m.channel}:${m.payload}`));
  await listener.query('LISTEN "Probe"');
  await bystander.query('LISTEN other');
  await notifier.query(`NOTIFY "Probe", 'x'`);
  await notifier.query(`SELECT pg_notify('Probe', 'y')`);
  await waitFor(() => heard.length >= 2);
  await listener.query('UNLISTEN *');
  await notifier.query(`NOTIFY "Probe", 'z'`);
  await bystander.query('SELECT 1');
  t.same(heard, ['listener:Probe:x', 'listener:Probe:y']);
});

void t.test('a client that disconnects inside a transaction does not block the others', async (t) => {
  const { schema, makePool } = useSchema(t, embedded.url);
  const pool = makePool(2);
  await migrate(pool, schema, [{ id: '0001_a', sql: 'CREATE TABLE a (x int)' }]);
  const rogue = new pg.Client({ connectionString: embedded.url });
  await rogue.connect();
  await rogue.query('BEGIN');
  await rogue.query(`INSERT INTO "${schema}".a VALUES (1)`);
  const other = pool.query('SELECT count(*)::int AS n FROM a');
  await rogue.end();
  t.same((await other).rows, [{ n: 0 }], 'the abandoned transaction was rolled back');
});

void t.test('two relays on one schema in one process: each row once, in order', async (t) => {
  const { schema, makePool } = useSchema(t, embedded.url);
  const pool = makePool(3);
  await migrate(pool, schema, []);
  const publisher = new RecordingPublisher();
  const opts = { schema, publisher, batchSize: 3, pollIntervalMs: 5, standbyIntervalMs: 5 };
  const relays = [createOutboxRelay({ ...opts, pool: makePool(2) }), createOutboxRelay({ ...opts, pool: makePool(2) })];
  relays.forEach((r) => r.start());
  t.teardown(() => Promise.all(relays.map((r) => r.stop())));
  const events = Array.from({ length: 40 }, (_, n) => makeEvent(`k${n % 4}`, n));
  for (let i = 0; i < 40; i += 4) await withTransaction(pool, (c) => enqueueEvents(c, events.slice(i, i + 4)));
  await waitFor(() => publisher.events.length >= 40);
  await Promise.all(relays.map((r) => r.stop()));
  t.same(
    publisher.events.map((e) => e.envelope.id),
    events.map((e) => e.envelope.id),
  );
});

void t.test('data persists in dataDir across a restart', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-pglite-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const first = await startEmbeddedPostgres({ dataDir: dir });
  const a = useSchemaless(first.url, 'keep');
  await migrate(a, 'keep', [{ id: '0001', sql: "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('yes')" }]);
  await a.end();
  await first.stop();
  const second = await startEmbeddedPostgres({ dataDir: dir });
  const b = useSchemaless(second.url, 'keep');
  t.same((await b.query('SELECT v FROM kept')).rows, [{ v: 'yes' }]);
  t.same(
    await migrate(b, 'keep', [{ id: '0001', sql: "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('yes')" }]),
    [],
  );
  await b.end();
  await second.stop();
});

function useSchemaless(url: string, schema: string) {
  return createPool({ url, schema, maxConnections: 2 });
}
