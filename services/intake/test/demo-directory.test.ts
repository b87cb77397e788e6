/**
 * The demo tree of `npm start`: it keeps the directory's rules (it imports, twice with no
 * change), holds the province committee's office VPTU-DEMO, two boards, three districts
 * with communes, and a caller for every role in every office.
 */
import t from 'tap';
import { roles } from '@lienthong/service';
import { demoCallers, demoDirectory } from '../src/directory/demo-directory.ts';
import { seedDirectory } from '../src/directory/directory-import.ts';
import { authHeader } from '../../../test/support/auth.ts';
import { intakeForFile, outboxCount } from './support.ts';

const { app, pool } = await intakeForFile(t);

await t.test('the seed imports, and a second seed changes nothing', async (t) => {
  const first = await seedDirectory(pool, demoDirectory());
  t.equal(first.summary.officesCreated, 16);
  const events = await outboxCount(pool);
  const second = await seedDirectory(pool, demoDirectory());
  t.equal(second.events, 0);
  t.equal(await outboxCount(pool), events);
});

await t.test('the tree the issue asks for', async (t) => {
  const { rows } = await pool.query<{ level: string; abbreviation: string; n: string }>(
    'SELECT level, abbreviation, count(*) AS n FROM office GROUP BY level, abbreviation ORDER BY level, abbreviation',
  );
  t.same(
    rows.map((r) => [r.level, r.abbreviation, Number(r.n)]),
    [
      ['commune', 'ĐU', 9],
      ['district', 'HU', 3],
      ['province', 'BTCTU', 1],
      ['province', 'BTGTU', 1],
      ['province', 'TU', 1],
      ['province', 'VPTU', 1],
    ],
  );
  const res = await app.inject({
    method: 'GET',
    url: '/v1/directory/groups/DEMO-HUYEN-UY/members',
    headers: authHeader({ office: 'VPTU-DEMO' }),
  });
  t.same(res.json().offices, ['HU-KIMSON', 'HU-NHOQUAN', 'HU-YENMO']);
});

await t.test('every office has a caller for every role, names in NFC with diacritics', async (t) => {
  const callers = demoCallers();
  const offices = new Set(callers.map((c) => c.office));
  t.equal(offices.size, 16);
  for (const office of offices)
    t.same(
      callers
        .filter((c) => c.office === office)
        .map((c) => c.role)
        .sort(),
      Object.values(roles).sort(),
      `${office}: every role`,
    );
  t.equal(new Set(callers.map((c) => `${c.office}/${c.subject}`)).size, callers.length, 'no caller twice');
  t.ok(callers.some((c) => c.office === 'VPTU-DEMO' && c.subject === 'person:bi-thu' && c.name === 'Nguyễn Văn An'));
  for (const c of callers) t.equal(c.name, c.name.normalize('NFC'));
});
