import type { Test } from 'tap';
import { migrate, withTransaction } from '../../src/index.ts';
import { useSchema } from '../helpers.ts';

/** Migration behaviour every Postgres we support (PostgreSQL, embedded PGlite) must show. */
export function migrationSuite(t: Test, url: string): void {
  void t.test('migrations apply once and are idempotent', async (t) => {
    const { schema, makePool } = useSchema(t, url);
    const pool = makePool();
    const migrations = [
      { id: '0001_docs', sql: 'CREATE TABLE docs (id bigserial PRIMARY KEY, body jsonb NOT NULL)' },
      { id: '0002_docs_title', sql: "ALTER TABLE docs ADD COLUMN title text NOT NULL DEFAULT ''" },
    ];
    const first = await migrate(pool, schema, migrations);
    t.same(first, [
      'lienthong_0001_outbox',
      'lienthong_0002_processed_events',
      'lienthong_0003_outbox_relayed',
      '0001_docs',
      '0002_docs_title',
    ]);
    t.same(await migrate(pool, schema, migrations), [], 'second run applies nothing');
    const third = await migrate(pool, schema, [...migrations, { id: '0003_more', sql: 'CREATE TABLE more (x int)' }]);
    t.same(third, ['0003_more']);
    // Tables land in the service schema and resolve unqualified through search_path.
    await withTransaction(pool, async (c) => {
      await c.query(`INSERT INTO docs (body, title) VALUES ('{"a":1}', 't')`);
    });
    const { rows } = await pool.query<{ table_name: string }>(
      'SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name',
      [schema],
    );
    t.same(
      rows.map((r) => r.table_name),
      ['docs', 'more', 'outbox', 'outbox_relayed', 'processed_events', 'schema_migrations'],
    );
  });

  void t.test('an applied migration whose SQL changed is refused', async (t) => {
    const { schema, makePool } = useSchema(t, url);
    const pool = makePool();
    await migrate(pool, schema, [{ id: '0001_a', sql: 'CREATE TABLE a (x int)' }]);
    await t.rejects(migrate(pool, schema, [{ id: '0001_a', sql: 'CREATE TABLE a (x bigint)' }]), {
      code: 'DB_MIGRATION_CHECKSUM_MISMATCH',
    });
  });

  void t.test('unsorted, duplicated or reserved ids are refused before anything runs', async (t) => {
    const { schema, makePool } = useSchema(t, url);
    const pool = makePool();
    const bad = [
      [
        { id: '0002', sql: 'select 1' },
        { id: '0001', sql: 'select 1' },
      ],
      [
        { id: '0001', sql: 'select 1' },
        { id: '0001', sql: 'select 2' },
      ],
      [{ id: 'lienthong_0009', sql: 'select 1' }],
    ];
    for (const migrations of bad) {
      await t.rejects(migrate(pool, schema, migrations), { code: 'DB_MIGRATION_ORDER_INVALID' });
    }
    const { rows } = await pool.query('SELECT 1 FROM information_schema.schemata WHERE schema_name = $1', [schema]);
    t.equal(rows.length, 0, 'schema not even created');
  });

  void t.test('a failing migration rolls back and stops the run', async (t) => {
    const { schema, makePool } = useSchema(t, url);
    const pool = makePool();
    await t.rejects(
      migrate(pool, schema, [
        { id: '0001_ok', sql: 'CREATE TABLE ok (x int)' },
        { id: '0002_bad', sql: 'CREATE TABLE half (x int); SELECT no_such_function()' },
      ]),
    );
    const { rows } = await pool.query<{ id: string }>(`SELECT id FROM "${schema}".schema_migrations ORDER BY id`);
    t.same(
      rows.map((r) => r.id),
      ['0001_ok', 'lienthong_0001_outbox', 'lienthong_0002_processed_events', 'lienthong_0003_outbox_relayed'],
    );
    const half = await pool.query(`SELECT to_regclass('"${schema}".half') AS r`);
    t.equal((half.rows[0] as { r: unknown }).r, null);
  });
}
