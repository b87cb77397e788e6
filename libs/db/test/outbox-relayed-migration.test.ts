import t from 'tap';
import { createOutboxRelay, kitMigrations, migrate, migrationChecksum, outboxBacklog } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';
import { makeEvent, RecordingPublisher, useSchema } from './helpers.ts';

void t.test(
  'an outbox marked row by row moves to the watermark: relayed rows stay relayed, the rest go out',
  async (t) => {
    const { schema, makePool } = useSchema(t, testEnv.databaseUrl);
    const pool = makePool(2);
    const older = kitMigrations.filter((m) => m.id < 'lienthong_0003');
    // The schema as a version before the watermark left it.
    await pool.query(`CREATE SCHEMA "${schema}"`);
    await pool.query(
      `CREATE TABLE "${schema}".schema_migrations (id text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    for (const m of older) {
      await pool.query(`SET search_path TO "${schema}"`);
      await pool.query(m.sql);
      await pool.query(`INSERT INTO schema_migrations (id, checksum) VALUES ($1, $2)`, [m.id, migrationChecksum(m)]);
    }
    const events = Array.from({ length: 6 }, (_, n) => makeEvent('k', n));
    for (const e of events) {
      await pool.query(`INSERT INTO outbox (topic, key, event_id, envelope) VALUES ($1, $2, $3, $4)`, [
        e.topic,
        e.key,
        e.envelope.id,
        JSON.stringify(e.envelope),
      ]);
    }
    await pool.query('UPDATE outbox SET published_at = now() WHERE id IN (SELECT id FROM outbox ORDER BY id LIMIT 4)');
    await pool.query('RESET search_path');

    t.same(await migrate(pool, schema, []), ['lienthong_0003_outbox_relayed']);
    const migrated = makePool(2);
    t.equal(await outboxBacklog(migrated), 2, 'the two unpublished rows are the backlog');
    const publisher = new RecordingPublisher();
    const relay = createOutboxRelay({ pool: migrated, schema, publisher });
    while ((await relay.relayOnce()) > 0);
    t.same(
      publisher.events.map((e) => e.envelope.id),
      events.slice(4).map((e) => e.envelope.id),
      'only the rows never published',
    );
    t.same(publisher.events[0]?.envelope, events[4]?.envelope, 'the envelope survives the change to json');
    t.equal(await outboxBacklog(migrated), 0);
  },
);
