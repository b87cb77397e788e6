/**
 * The national scale: a directory of 34 provinces, 170 districts and 3,321 communes
 * (delivery's fan-out tests use one) imports in one request; the time is printed, not
 * asserted. Importing it again publishes nothing; a group of every commune of a province
 * resolves to all of them.
 */
import t from 'tap';
import { adminOf, intakeForFile, outboxCount } from './support.ts';
import { nationalDirectory } from './national-directory.ts';

const { app, pool } = await intakeForFile(t);
const centre = adminOf('VPTW');
const directory = nationalDirectory(3321);

const post = (doc: unknown) =>
  app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...centre, 'content-type': 'application/json' },
    payload: JSON.stringify(doc),
  });

await t.test('3,321 communes import in one request, one event each', async (t) => {
  const started = performance.now();
  const res = await post(directory);
  const ms = performance.now() - started;
  t.equal(res.statusCode, 200, res.body.slice(0, 500));
  t.comment(`imported ${directory.offices.length} offices in ${ms.toFixed(0)} ms`);
  t.equal(res.json().summary.officesCreated, directory.offices.length);
  const { rows } = await pool.query<{ n: string }>("SELECT count(*) AS n FROM office WHERE level = 'commune'");
  t.equal(Number(rows[0]!.n), 3321);
  t.equal(await outboxCount(pool), directory.offices.length + directory.groups.length);
});

await t.test('the same directory again: nothing changes, nothing is published', async (t) => {
  const before = await outboxCount(pool);
  const started = performance.now();
  const res = await post(directory);
  t.comment(`re-imported in ${(performance.now() - started).toFixed(0)} ms`);
  t.equal(res.json().events, 0);
  t.equal(await outboxCount(pool), before);
});

await t.test("a province's communes resolve through a rule", async (t) => {
  const res = await app.inject({ method: 'GET', url: '/v1/directory/groups/XA-TU-P01/members', headers: centre });
  t.equal(res.statusCode, 200);
  const expected = directory.offices.filter((o) => o.level === 'commune' && o.code.startsWith('DU-P01-')).length;
  t.ok(expected > 90);
  t.equal(res.json().offices.length, expected);
});
