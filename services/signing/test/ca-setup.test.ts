/** Two instances starting on an empty schema at once set up one CA, and both use it. */
import t from 'tap';
import { uniqueName } from '../../../test/support/env.ts';
import { dropTestSchemas, startTestSigning } from './support.ts';

void t.test('two instances starting at once make one CA hierarchy', async (t) => {
  const schema = uniqueName('signing_race');
  t.teardown(() => dropTestSchemas(schema));
  const [a, b] = await Promise.all([startTestSigning(schema), startTestSigning(schema)]);
  t.teardown(async () => {
    await a.close();
    await b.close();
  });
  const { rows } = await a.pool.query<{ role: string; n: string }>(
    'SELECT role, count(*) AS n FROM certificate GROUP BY role ORDER BY role',
  );
  t.same(
    rows.map((r) => [r.role, Number(r.n)]),
    [
      ['issuing-ca', 1],
      ['ocsp', 1],
      ['root', 1],
      ['tsa', 1],
    ],
    'one of each',
  );
  const list = async (app: typeof a.app) =>
    (await app.inject({ method: 'GET', url: '/v1/ca/certificates' })).json<{ certificates: Array<{ id: string }> }>();
  t.same(await list(a.app), await list(b.app), 'both instances serve the same CA');
  const keys = await a.pool.query('SELECT count(*)::int AS n FROM private_key');
  t.equal(keys.rows[0].n, 4, 'the losing instance stored no keys');

  const restarted = await startTestSigning(schema);
  t.teardown(() => restarted.close());
  t.same(await list(restarted.app), await list(a.app), 'a restart finds the CA');
});
