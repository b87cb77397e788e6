import type { Test } from 'tap';
import {
  createOutboxRelay,
  enqueueEvents,
  handleOnce,
  handleOnceBatch,
  migrate,
  outboxBacklog,
  withTransaction,
} from '../../src/index.ts';
import type { OutboxEvent } from '../../src/index.ts';
import { makeEvent, RecordingPublisher, useSchema, waitFor } from '../helpers.ts';

/** Outbox and handleOnce behaviour every Postgres we support must show. */
export function outboxSuite(t: Test, url: string): void {
  const setUp = async (t: Test) => {
    const { schema, makePool } = useSchema(t, url);
    const pool = makePool();
    await migrate(pool, schema, []);
    return { schema, pool, makePool };
  };

  void t.test('rows enqueued in a rolled-back transaction never relay', async (t) => {
    const { schema, pool } = await setUp(t);
    const kept = makeEvent('k', 1);
    await t.rejects(
      withTransaction(pool, async (c) => {
        await enqueueEvents(c, [makeEvent('k', 0)]);
        throw new Error('abort');
      }),
    );
    await withTransaction(pool, (c) => enqueueEvents(c, [kept]));
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool, schema, publisher });
    t.equal(await relay.relayOnce(), 1);
    t.equal(await relay.relayOnce(), 0);
    t.same(
      publisher.events.map((e) => e.envelope.id),
      [kept.envelope.id],
    );
  });

  void t.test('an event the bus would refuse fails its writer instead of stalling the outbox', async (t) => {
    const { schema, pool } = await setUp(t);
    const good = makeEvent('k', 1);
    const refused: [string, OutboxEvent][] = [
      ['BUS_ENVELOPE_INVALID', { ...good, envelope: { ...good.envelope, data: { pad: 'x'.repeat(1_000_000) } } }],
      ['BUS_ENVELOPE_INVALID', { ...good, envelope: { ...good.envelope, subject: 'line\nbreak' } }],
      ['BUS_ENVELOPE_INVALID', { ...good, envelope: { ...good.envelope, time: 'yesterday' } }],
      ['BUS_TOPIC_INVALID', { ...good, topic: 'no spaces allowed' }],
    ];
    for (const [code, event] of refused) {
      await t.rejects(
        withTransaction(pool, (c) => enqueueEvents(c, [makeEvent('k', 0), event])),
        { code },
        code,
      );
    }
    t.equal((await pool.query('SELECT 1 FROM outbox')).rowCount, 0, 'nothing written');
    await withTransaction(pool, (c) => enqueueEvents(c, [good]));
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool, schema, publisher });
    t.equal(await relay.relayOnce(), 1);
    t.same(
      publisher.events.map((e) => e.envelope.id),
      [good.envelope.id],
    );
  });

  void t.test('relays in id order, keeping array order and transaction order', async (t) => {
    const { schema, pool } = await setUp(t);
    const events = Array.from({ length: 30 }, (_, n) => makeEvent(`k${n % 3}`, n));
    for (let i = 0; i < 30; i += 10) {
      await withTransaction(pool, (c) => enqueueEvents(c, events.slice(i, i + 10)));
    }
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool, schema, publisher, batchSize: 7 });
    while ((await relay.relayOnce()) > 0);
    t.same(
      publisher.events.map((e) => e.envelope.id),
      events.map((e) => e.envelope.id),
    );
    t.same(publisher.events[0], events[0], 'topic, key and envelope survive the round trip');
  });

  void t.test('a running relay picks up new rows', async (t) => {
    const { schema, pool } = await setUp(t);
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool, schema, publisher, pollIntervalMs: 50 });
    relay.start();
    t.teardown(() => relay.stop());
    const events = [makeEvent('a', 1), makeEvent('a', 2)];
    await withTransaction(pool, (c) => enqueueEvents(c, events));
    await waitFor(() => publisher.events.length >= 2);
    await relay.stop();
    t.same(
      publisher.events.map((e) => e.envelope.id),
      events.map((e) => e.envelope.id),
    );
    t.equal(await outboxBacklog(pool), 0, 'all marked relayed');
  });

  void t.test('NOTIFY from the outbox trigger wakes a relay that would otherwise sleep', async (t) => {
    const { schema, pool } = await setUp(t);
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool, schema, publisher, pollIntervalMs: 600_000 });
    relay.start();
    t.teardown(() => relay.stop());
    // Once the first event is out, the relay pauses for 10 minutes: only NOTIFY can wake it.
    await withTransaction(pool, (c) => enqueueEvents(c, [makeEvent('n', 1)]));
    await waitFor(() => publisher.events.length === 1);
    await withTransaction(pool, (c) => enqueueEvents(c, [makeEvent('n', 2)]));
    await waitFor(() => publisher.events.length === 2);
    await relay.stop();
    t.equal(publisher.events.length, 2, 'woken by NOTIFY');
  });

  void t.test('handleOnce returns true then false, and rolls back with its transaction', async (t) => {
    const { pool } = await setUp(t);
    const id = makeEvent('x', 0).envelope.id;
    t.equal(await withTransaction(pool, (c) => handleOnce(c, 'delivery', id)), true);
    t.equal(await withTransaction(pool, (c) => handleOnce(c, 'delivery', id)), false);
    t.equal(await withTransaction(pool, (c) => handleOnce(c, 'archive', id)), true, 'per consumer');
    const other = makeEvent('x', 1).envelope.id;
    await t.rejects(
      withTransaction(pool, async (c) => {
        t.equal(await handleOnce(c, 'delivery', other), true);
        throw new Error('effect failed');
      }),
    );
    t.equal(await withTransaction(pool, (c) => handleOnce(c, 'delivery', other)), true, 'rolled back, so not seen');
  });

  void t.test('handleOnceBatch returns the ids new to the consumer, and rolls back with its transaction', async (t) => {
    const { pool } = await setUp(t);
    const [a, b, c, d] = [0, 1, 2, 3].map((n) => makeEvent('x', n).envelope.id) as [string, string, string, string];
    t.same(await withTransaction(pool, (q) => handleOnceBatch(q, 'delivery', [])), new Set());
    t.equal(await withTransaction(pool, (q) => handleOnce(q, 'delivery', b)), true);
    t.same(
      await withTransaction(pool, (q) => handleOnceBatch(q, 'delivery', [a, b, c, a])),
      new Set([a, c]),
      'b was handled before; a listed twice is new once',
    );
    t.equal(await withTransaction(pool, (q) => handleOnce(q, 'delivery', c)), false, 'recorded for handleOnce too');
    t.same(await withTransaction(pool, (q) => handleOnceBatch(q, 'archive', [a, b])), new Set([a, b]), 'per consumer');
    const upper = d.toUpperCase();
    await t.rejects(
      withTransaction(pool, async (q) => {
        t.same(await handleOnceBatch(q, 'delivery', [upper, a]), new Set([upper]), 'ids come back as given');
        throw new Error('effect failed');
      }),
    );
    t.same(
      await withTransaction(pool, (q) => handleOnceBatch(q, 'delivery', [d, c])),
      new Set([d]),
      'rolled back, so d not seen',
    );
  });
}
