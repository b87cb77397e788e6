import t, { type Test } from 'tap';
import { isRetryableTransactionError, migrate, withTransaction } from '../src/index.ts';
import { testEnv } from '../../../test/support/env.ts';

const testDatabaseUrl = testEnv.databaseUrl;
import { useSchema } from './helpers.ts';

async function setUp(t: Test) {
  const { schema, makePool } = useSchema(t, testDatabaseUrl);
  const pool = makePool();
  await migrate(pool, schema, [
    {
      id: '0001_acct',
      sql: 'CREATE TABLE acct (id int PRIMARY KEY, v int NOT NULL); INSERT INTO acct VALUES (1, 0), (2, 0)',
    },
  ]);
  return pool;
}

void t.test('commits on success and rolls back on error', async (t) => {
  const pool = await setUp(t);
  const value = await withTransaction(pool, async (c) => {
    await c.query('UPDATE acct SET v = 10 WHERE id = 1');
    return 'done';
  });
  t.equal(value, 'done');
  await t.rejects(
    withTransaction(pool, async (c) => {
      await c.query('UPDATE acct SET v = 99 WHERE id = 1');
      throw new Error('boom');
    }),
    { message: 'boom' },
  );
  const { rows } = await pool.query<{ v: number }>('SELECT v FROM acct WHERE id = 1');
  t.equal(rows[0]!.v, 10);
  t.equal(pool.totalCount - pool.idleCount, 0, 'every client released');
});

/** Two serializable transactions that each read both rows and write one: write skew, 40001. */
async function writeSkew(pool: Awaited<ReturnType<typeof setUp>>, retries: number) {
  let arrived = 0;
  let meet!: () => void;
  const bothRead = new Promise<void>((resolve) => (meet = resolve));
  const attempts = [0, 0];
  const run = (who: 0 | 1) =>
    withTransaction(
      pool,
      async (c) => {
        attempts[who]!++;
        const { rows } = await c.query<{ s: number }>('SELECT sum(v)::int AS s FROM acct');
        if (attempts[who] === 1 && ++arrived === 2) meet();
        if (attempts[who] === 1) await bothRead;
        await c.query('UPDATE acct SET v = $1 WHERE id = $2', [rows[0]!.s + 1, who + 1]);
      },
      { isolation: 'serializable', retries },
    );
  const results = await Promise.allSettled([run(0), run(1)]);
  return { results, attempts };
}

void t.test('retries a real serialization failure', async (t) => {
  const pool = await setUp(t);
  const { results, attempts } = await writeSkew(pool, 3);
  t.same(
    results.map((r) => r.status),
    ['fulfilled', 'fulfilled'],
  );
  t.equal(attempts[0]! + attempts[1]!, 3, 'exactly one transaction ran again');
  const { rows } = await pool.query<{ v: number }>('SELECT v FROM acct ORDER BY id');
  t.same(rows.map((r) => r.v).sort(), [1, 2], 'the retry saw the first commit');
});

void t.test('without retries the serialization failure reaches the caller', async (t) => {
  const pool = await setUp(t);
  const { results } = await writeSkew(pool, 0);
  const rejected = results.filter((r) => r.status === 'rejected');
  t.equal(rejected.length, 1);
  t.ok(isRetryableTransactionError((rejected[0] as PromiseRejectedResult).reason));
  t.equal((rejected[0] as PromiseRejectedResult).reason.code, '40001');
});
