import { readFile } from 'node:fs/promises';
import t from 'tap';
import { checkDatabase, createPool, dbErrors, schemaOf } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { useSchema } from './helpers.ts';

void t.test('every connection is bound to the schema, with the configured timeouts', async (t) => {
  const { schema, makePool } = useSchema(t, testDatabaseUrl);
  const pool = makePool(3, { statementTimeoutMs: 1234 });
  t.equal(schemaOf(pool), schema);
  const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()]);
  for (const c of clients) {
    const { rows } = await c.query<{ sp: string; st: string; app: string }>(
      `SELECT current_setting('search_path') AS sp, current_setting('statement_timeout') AS st,
              current_setting('application_name') AS app`,
    );
    t.same(rows[0], { sp: `${schema}, public`, st: '1234ms', app: `test-${schema}` });
    c.release();
  }
  await t.rejects(pool.query('SELECT pg_sleep(5)'), { code: '57014' }, 'statement_timeout applies');
  await checkDatabase(pool);
});

void t.test('checkDatabase rejects with DB_UNAVAILABLE when Postgres does not answer', async (t) => {
  const pool = createPool(
    { url: 'postgres://postgres@127.0.0.1:1/none', schema: 'nobody' },
    { connectionTimeoutMs: 500 },
  );
  t.teardown(() => pool.end());
  await t.rejects(checkDatabase(pool), { code: 'DB_UNAVAILABLE', status: 503 });
});

void t.test('a bad schema name is refused before any connection', async (t) => {
  t.throws(() => createPool({ url: testDatabaseUrl, schema: 'Bad-Name' }), { code: 'DB_SCHEMA_NAME_INVALID' });
});

void t.test('every error code is documented in the README', async (t) => {
  const readme = await readFile(new URL('../README.md', import.meta.url), 'utf8');
  for (const code of Object.keys(dbErrors)) t.match(readme, code, code);
});
