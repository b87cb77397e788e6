import t, { type Test } from 'tap';
import { createOutboxRelay, enqueueEvents, migrate, outboxBacklog, withTransaction } from '../src/index.ts';
import type { OutboxEvent, Pool } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';
import { makeEvent, RecordingPublisher, useSchema, waitFor } from './helpers.ts';

async function setUp(t: Test) {
  const { schema, makePool } = useSchema(t, testEnv.databaseUrl);
  const pool = makePool(4);
  await migrate(pool, schema, []);
  const idOrder = async () =>
    (await pool.query<{ event_id: string }>('SELECT event_id FROM outbox ORDER BY id')).rows.map((r) => r.event_id);
  return { schema, pool, idOrder };
}

const unrelayed = (pool: Pool): Promise<number> => outboxBacklog(pool);

/** `count` events on 100 keys, as one national fan-out writes them (one per recipient office). */
const fanOut = (count: number, from = 0): OutboxEvent[] =>
  Array.from({ length: count }, (_, n) => makeEvent(`office-${(from + n) % 100}`, from + n));

void t.test('a running relay drains 5,000 rows of one transaction in id order, one publish at a time', async (t) => {
  const { schema, pool, idOrder } = await setUp(t);
  const publisher = new RecordingPublisher();
  publisher.ackDelayMs = 2; // time for the relay to read ahead while a batch is in flight
  const relay = createOutboxRelay({ pool, schema, publisher, batchSize: 500, pollIntervalMs: 20 });
  relay.start();
  t.teardown(() => relay.stop());
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(5_000)));
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(7, 5_000)));
  await waitFor(() => publisher.events.length >= 5_007, 60_000);
  await relay.stop();
  t.same(
    publisher.events.map((e) => e.envelope.id),
    await idOrder(),
    'each row once, in id order',
  );
  t.equal(publisher.maxConcurrent, 1, 'never two publishes at once');
  t.ok(
    publisher.batchSizes.every((n) => n <= 500),
    'no publish larger than batchSize',
  );
  t.equal(await unrelayed(pool), 0, 'all marked');
});

void t.test('a publish refused in the middle of a pipelined run loses nothing and keeps order', async (t) => {
  const { schema, pool, idOrder } = await setUp(t);
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(2_000)));
  const publisher = new RecordingPublisher();
  publisher.ackDelayMs = 2;
  publisher.refuseAt = new Set([3, 6]); // the bus never takes these batches
  publisher.crashAfterRecord = 0;
  const relay = createOutboxRelay({ pool, schema, publisher, batchSize: 300, pollIntervalMs: 20, retryDelayMs: 20 });
  relay.start();
  t.teardown(() => relay.stop());
  await waitFor(async () => publisher.firstDeliveries().length === 2_000 && (await unrelayed(pool)) === 0, 60_000);
  await relay.stop();
  t.same(publisher.firstDeliveries(), await idOrder(), 'every row reached the bus, first deliveries in id order');
  t.equal(publisher.maxConcurrent, 1, 'never two publishes at once, failures included');
  // Each row reaches the bus in id order up to a failure, and again from the first row not acknowledged.
  const ids = await idOrder();
  const position = new Map(ids.map((id, i) => [id, i]));
  const wire = publisher.events.map((e) => position.get(e.envelope.id)!);
  let restarts = 0;
  for (let i = 1; i < wire.length; i++) {
    if (wire[i]! !== wire[i - 1]! + 1) {
      restarts++;
      t.ok(wire[i]! <= wire[i - 1]!, `after a failure the relay starts again at or before where it was (at ${i})`);
    }
  }
  t.ok(restarts <= 2, 'at most one restart per refused batch');
});

void t.test('a publish that crashes after the bus took it is sent again, in order, never skipped', async (t) => {
  const { schema, pool, idOrder } = await setUp(t);
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(1_500)));
  const publisher = new RecordingPublisher();
  publisher.ackDelayMs = 2;
  // The third publish (a batch in the middle of the run, with the next one pipelined) crashes after the bus took it.
  publisher.crashAt.add(3);
  const relay = createOutboxRelay({ pool, schema, publisher, batchSize: 200, pollIntervalMs: 20, retryDelayMs: 20 });
  relay.start();
  t.teardown(() => relay.stop());
  await waitFor(async () => publisher.firstDeliveries().length === 1_500 && (await unrelayed(pool)) === 0, 60_000);
  await relay.stop();
  t.ok(publisher.events.length > 1_500, 'the crashed batch went out twice');
  t.same(publisher.firstDeliveries(), await idOrder(), 'first deliveries in id order');
  t.equal(publisher.maxConcurrent, 1);
});

void t.test('a row committed later with a smaller id holds back the rows after it (commit order)', async (t) => {
  const { schema, pool, idOrder } = await setUp(t);
  const publisher = new RecordingPublisher();
  const relay = createOutboxRelay({ pool, schema, publisher });
  const early = makeEvent('k', 1);
  const late = makeEvent('k', 2);
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let enqueued!: () => void;
  const isEnqueued = new Promise<void>((resolve) => (enqueued = resolve));
  // Takes the smaller id, then stays open while another transaction commits a larger one.
  const slow = withTransaction(pool, async (c) => {
    await enqueueEvents(c, [early]);
    enqueued();
    await held;
  });
  await isEnqueued;
  await withTransaction(pool, (c) => enqueueEvents(c, [late]));
  t.equal(await relay.relayOnce(), 0, 'nothing relayed while the smaller id may still commit');
  t.equal(publisher.events.length, 0);
  release();
  await slow;
  while ((await relay.relayOnce()) > 0);
  t.same(
    publisher.events.map((e) => e.envelope.id),
    await idOrder(),
  );
  t.same(
    publisher.events.map((e) => e.envelope.id),
    [early.envelope.id, late.envelope.id],
    'in commit-safe id order',
  );
});

void t.test('a relay that has caught up marks its last batch before it sleeps', async (t) => {
  const { schema, pool } = await setUp(t);
  const publisher = new RecordingPublisher();
  // A 10-minute poll and no NOTIFY after the write: only marking before the pause ends this test.
  const relay = createOutboxRelay({ pool, schema, publisher, batchSize: 50, pollIntervalMs: 600_000 });
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(120)));
  relay.start();
  t.teardown(() => relay.stop());
  await waitFor(async () => (await unrelayed(pool)) === 0);
  t.equal(publisher.events.length, 120);
  await relay.stop();
});

void t.test('expired rows the bus never acknowledged are not deleted', async (t) => {
  const { schema, pool } = await setUp(t);
  await withTransaction(pool, (c) => enqueueEvents(c, fanOut(30)));
  const publisher = new RecordingPublisher();
  publisher.refuseAt = new Set(Array.from({ length: 1_000 }, (_, n) => n + 1));
  const relay = createOutboxRelay({
    pool,
    schema,
    publisher,
    batchSize: 10,
    retryDelayMs: 5,
    retentionMs: 0,
    cleanupIntervalMs: 0,
  });
  relay.start();
  t.teardown(() => relay.stop());
  await waitFor(() => publisher.calls >= 3);
  await relay.stop();
  t.equal((await pool.query('SELECT 1 FROM outbox')).rowCount, 30, 'all rows kept');
  t.equal(await unrelayed(pool), 30);
});
