import t from 'tap';
import { DbError, migrate, quoteSchema } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { useSchema } from './helpers.ts';
import { migrationSuite } from './suites/migration-suite.ts';

migrationSuite(t, testDatabaseUrl);

void t.test('concurrent migrate from 5 pools applies every migration once', async (t) => {
  const { schema, makePool } = useSchema(t, testDatabaseUrl);
  const migrations = [
    { id: '0001_a', sql: 'CREATE TABLE a (id int PRIMARY KEY)' },
    { id: '0002_b', sql: 'INSERT INTO a VALUES (1)' },
  ];
  const pools = Array.from({ length: 5 }, () => makePool(2));
  const results = await Promise.all(pools.map((p) => migrate(p, schema, migrations)));
  t.same(results.flat().sort(), [
    '0001_a',
    '0002_b',
    'lienthong_0001_outbox',
    'lienthong_0002_processed_events',
    'lienthong_0003_outbox_relayed',
  ]);
  const { rows } = await pools[0]!.query<{ n: number }>('SELECT count(*)::int AS n FROM a');
  t.equal(rows[0]!.n, 1);
});

void t.test('a bad schema name is refused', async (t) => {
  for (const bad of ['Intake', '1abc', 'a-b', 'x"; drop table y; --', '', 'a'.repeat(64)]) {
    t.throws(() => quoteSchema(bad), { code: 'DB_SCHEMA_NAME_INVALID' }, bad);
  }
  t.equal(quoteSchema('intake_2'), '"intake_2"');
  t.ok(new DbError('DB_SCHEMA_NAME_INVALID') instanceof Error);
});
