import t, { type Test } from 'tap';
import pg from 'pg';
import { createOutboxRelay, enqueueEvents, migrate, withTransaction } from '../src/index.ts';
import type { OutboxEvent, Pool } from '../src/index.ts';
import { advisoryKey } from '../src/schema-name.ts';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { makeEvent, RecordingPublisher, useSchema, waitFor } from './helpers.ts';

const keys = ['office-a', 'office-b', 'office-c'];

/** Writes `count` events in transactions of 5, concurrently from 4 writers; returns them by key in commit order. */
async function writeEvents(pool: Pool, count: number): Promise<OutboxEvent[]> {
  const all: OutboxEvent[] = [];
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < count) {
      const batch = Array.from({ length: Math.min(5, count - next) }, () => makeEvent(keys[next % 3]!, next++));
      // Same key, same row: like a real service, writers on one key serialize on its row lock.
      await withTransaction(pool, async (c) => {
        for (const key of [...new Set(batch.map((e) => e.key))].sort()) {
          await c.query('INSERT INTO seq (key, n) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET n = seq.n + 1', [key]);
        }
        await enqueueEvents(c, batch);
      });
      all.push(...batch);
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  return all;
}

/** Every event delivered at least once; after de-dup by id, exactly once and in order per key. */
function checkDelivery(t: Test, publisher: RecordingPublisher, written: OutboxEvent[], expectOrder: string[]) {
  const first = publisher.firstDeliveries();
  t.equal(first.length, written.length, 'every event delivered, exactly once after de-dup');
  t.same(first, expectOrder, 'delivered in outbox id order');
  for (const key of keys) {
    const wantKey = written.filter((e) => e.key === key).map((e) => (e.envelope.data as { n: number }).n);
    const byId = new Map(written.map((e) => [e.envelope.id, e]));
    const gotKey = first
      .map((id) => byId.get(id)!)
      .filter((e) => e.key === key)
      .map((e) => (e.envelope.data as { n: number }).n);
    t.same(
      gotKey.slice().sort((a, b) => a - b),
      wantKey.slice().sort((a, b) => a - b),
      `all of ${key}`,
    );
  }
}

async function setUp(t: Test) {
  const { schema, makePool } = useSchema(t, testDatabaseUrl);
  const pool = makePool(8);
  await migrate(pool, schema, [{ id: '0001_seq', sql: 'CREATE TABLE seq (key text PRIMARY KEY, n int NOT NULL)' }]);
  const idOrder = async () =>
    (await pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY id')).rows.map((r) => r.event_id);
  return { schema, pool, makePool, idOrder };
}

void t.test('relay restart: stopped mid-stream, then a crash between publish and mark, then a new relay', async (t) => {
  const { schema, pool, makePool, idOrder } = await setUp(t);
  const publisher = new RecordingPublisher();
  const opts = { schema, publisher, batchSize: 10, pollIntervalMs: 20, retryDelayMs: 20, standbyIntervalMs: 50 };
  const relay1 = createOutboxRelay({ ...opts, pool });
  relay1.start();
  const writing = writeEvents(pool, 200);
  await waitFor(() => publisher.events.length >= 30);
  await relay1.stop();
  const afterStop = publisher.events.length;
  t.equal(afterStop % 10 === 0 || afterStop > 0, true);
  publisher.crashAfterRecord = 2;
  const relay2 = createOutboxRelay({ ...opts, pool: makePool(3) });
  relay2.start();
  const written = await writing;
  await waitFor(async () => publisher.firstDeliveries().length === 200);
  await relay2.stop();
  t.ok(publisher.events.length > 200, 'the crash caused duplicates on the wire');
  checkDelivery(t, publisher, written, await idOrder());
});

void t.test("relay restart: the active relay's connection is killed, a standby takes over", async (t) => {
  const { schema, pool, makePool, idOrder } = await setUp(t);
  const publisher = new RecordingPublisher();
  const opts = { schema, publisher, batchSize: 5, pollIntervalMs: 20, retryDelayMs: 20, standbyIntervalMs: 50 };
  const relays = [createOutboxRelay({ ...opts, pool: makePool(2) }), createOutboxRelay({ ...opts, pool: makePool(2) })];
  relays.forEach((r) => r.start());
  t.teardown(() => Promise.all(relays.map((r) => r.stop())));
  const writing = writeEvents(pool, 150);
  const relayKey = BigInt.asUintN(64, BigInt(advisoryKey('outbox-relay', schema)));
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  t.teardown(() => admin.end());
  for (let kill = 0; kill < 3; kill++) {
    await waitFor(() => publisher.events.length >= 30 * (kill + 1));
    // Kill whoever holds the relay lock (the active relay's dedicated connection).
    const holder = `FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND classid = $1::oid AND objid = $2::oid AND objsubid = 1`;
    const key = [String(relayKey >> 32n), String(relayKey & 0xffffffffn)];
    // The lock may change hands between a look and the kill (a standby taking over): kill
    // whoever holds it, as soon as someone does.
    let killed = 0;
    await waitFor(async () => {
      killed = (await admin.query(`SELECT pg_terminate_backend(pid) ${holder}`, key)).rowCount ?? 0;
      return killed >= 1;
    });
    t.ok(killed >= 1, `killed the active relay (${kill + 1})`);
  }
  const written = await writing;
  await waitFor(() => publisher.firstDeliveries().length === 150, 30_000);
  await Promise.all(relays.map((r) => r.stop()));
  checkDelivery(t, publisher, written, await idOrder());
});

void t.test('two relays on one schema never interleave out of order', async (t) => {
  const { schema, pool, makePool, idOrder } = await setUp(t);
  const publisher = new RecordingPublisher();
  const opts = { schema, publisher, batchSize: 3, pollIntervalMs: 5, standbyIntervalMs: 5 };
  const relays = [createOutboxRelay({ ...opts, pool: makePool(2) }), createOutboxRelay({ ...opts, pool: makePool(2) })];
  relays.forEach((r) => r.start());
  const extra = createOutboxRelay({ ...opts, pool: makePool(2) });
  const written = await writeEvents(pool, 120);
  // A third one calling relayOnce by hand competes too.
  while (publisher.firstDeliveries().length < 120) await extra.relayOnce();
  await Promise.all(relays.map((r) => r.stop()));
  const order = await idOrder();
  t.same(
    publisher.events.map((e) => e.envelope.id),
    order,
    'the wire carries each row once, in id order',
  );
  checkDelivery(t, publisher, written, order);
});

void t.test('published rows are kept for the retention window, then deleted', async (t) => {
  const { schema, pool } = await setUp(t);
  await withTransaction(pool, (c) => enqueueEvents(c, [makeEvent('a', 1), makeEvent('a', 2)]));
  const publisher = new RecordingPublisher();
  const keep = createOutboxRelay({ pool, schema, publisher, retentionMs: 3_600_000 });
  keep.start();
  await waitFor(() => publisher.events.length === 2);
  await keep.stop();
  t.equal((await pool.query('SELECT 1 FROM outbox')).rowCount, 2, 'kept within retention');
  const purge = createOutboxRelay({ pool, schema, publisher, retentionMs: 0 });
  purge.start();
  await waitFor(async () => (await pool.query('SELECT 1 FROM outbox')).rowCount === 0);
  await purge.stop();
  t.equal(publisher.events.length, 2, 'nothing republished');
});
