/**
 * POST /v1/directory/imports and the reads: a JSON directory (offices, people, groups)
 * and CSV offices are imported whole, with one `directory.changed` event per changed
 * entity written to the outbox in the same transaction; importing the same file again
 * changes and publishes nothing; offices page, people stay with their office, groups
 * resolve to the active offices they name.
 */
import t from 'tap';
import { validateEventData } from '@lienthong/records';
import { authHeader } from '../../../test/support/auth.ts';
import { adminOf, baseDirectory, directoryState, intakeForFile, outboxCount } from './support.ts';

const { app, pool } = await intakeForFile(t);
const centre = adminOf('VPTW');

const post = (payload: unknown, headers: Record<string, string>, contentType = 'application/json') =>
  app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...headers, 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

interface Listed {
  code: string;
  subject: string;
  [field: string]: unknown;
}
interface Answer {
  offices: Listed[];
  people: Listed[];
  groups: Listed[];
  nextOffset: number | null;
  [field: string]: unknown;
}

const get = async (url: string, headers: Record<string, string> = centre) => {
  const res = await app.inject({ method: 'GET', url, headers });
  return { status: res.statusCode, body: res.json<Answer>() };
};

await t.test('the first import lays out the tree and publishes one event per office and group', async (t) => {
  const res = await post(baseDirectory, centre);
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), {
    summary: { officesCreated: 10, officesUpdated: 0, officesUnchanged: 0, people: 2, groups: 2 },
    events: 12,
  });
  t.equal(await outboxCount(pool), 12);
  const { rows } = await pool.query<{ key: string; envelope: { type: string; schemaVersion: number; data: unknown } }>(
    'SELECT key, envelope FROM outbox ORDER BY id',
  );
  t.equal(rows[0]!.key, 'office:TW');
  t.equal(rows.at(-1)!.key, 'group:A-XA');
  for (const row of rows) {
    const checked = validateEventData(row.envelope.type, row.envelope.schemaVersion, row.envelope.data);
    t.ok(checked.ok, `${row.key}: data valid per libs/records`);
  }
  t.match(rows[2]!.envelope.data, { entity: 'office', code: 'TU-A', change: 'created', revision: 1 });
});

await t.test('the outbox rows are written in the transaction of the change', async (t) => {
  const offices = await pool.query<{ x: string }>('SELECT DISTINCT xmin::text AS x FROM office');
  const outbox = await pool.query<{ x: string }>('SELECT DISTINCT xmin::text AS x FROM outbox');
  t.equal(offices.rows.length, 1);
  t.same(outbox.rows, offices.rows, 'same transaction id');
});

await t.test('importing the same file again changes nothing and publishes nothing', async (t) => {
  const before = await directoryState(pool);
  const res = await post(baseDirectory, centre);
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), {
    summary: { officesCreated: 0, officesUpdated: 0, officesUnchanged: 10, people: 0, groups: 0 },
    events: 0,
  });
  t.equal(await directoryState(pool), before);
});

await t.test('a changed office and a changed person each publish their office, revision 2', async (t) => {
  const res = await post(
    {
      offices: [{ ...baseDirectory.offices[4], name: 'Huyện ủy Châu Thành A' }],
      people: [{ ...baseDirectory.people[0], title: 'Phó Chánh Văn phòng' }],
    },
    centre,
  );
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().events, 2);
  const { rows } = await pool.query<{ key: string; envelope: { data: { change: string; revision: number } } }>(
    'SELECT key, envelope FROM outbox ORDER BY id DESC LIMIT 2',
  );
  t.same(rows.map((r) => [r.key, r.envelope.data.change, r.envelope.data.revision]).sort(), [
    ['office:HU-A1', 'updated', 2],
    ['office:VPTU-A', 'updated', 2],
  ]);
  t.equal((await get('/v1/directory/offices/HU-A1')).body.name, 'Huyện ủy Châu Thành A');
});

await t.test('offices are filtered by parent and level and paged', async (t) => {
  const districts = await get('/v1/directory/offices?level=district');
  t.same(
    districts.body.offices.map((o) => o.code),
    ['HU-A1', 'HU-B1'],
  );
  const underA = await get('/v1/directory/offices?parent=TU-A');
  t.same(
    underA.body.offices.map((o) => o.code),
    ['HU-A1', 'VPTU-A'],
  );
  const seen: string[] = [];
  let offset: number | null = 0;
  while (offset !== null) {
    const page = await get(`/v1/directory/offices?limit=3&offset=${offset}`);
    t.equal(page.status, 200);
    seen.push(...page.body.offices.map((o) => o.code));
    offset = page.body.nextOffset;
  }
  t.equal(seen.length, 10, 'every office once');
  t.equal(new Set(seen).size, 10);
  t.equal((await get('/v1/directory/offices?limit=0')).status, 400);
  t.equal((await get('/v1/directory/offices?level=village')).status, 400);
  const one = await get('/v1/directory/offices/DU-A11');
  t.match(one.body, {
    code: 'DU-A11',
    name: 'Đảng ủy xã Vĩnh Hanh',
    abbreviation: 'ĐU',
    level: 'commune',
    parent: 'HU-A1',
    active: true,
  });
  const missing = await get('/v1/directory/offices/NOPE');
  t.equal(missing.status, 404);
  t.equal(missing.body.code, 'OFFICE_NOT_FOUND');
  t.equal((await app.inject({ method: 'GET', url: '/v1/directory/offices' })).statusCode, 401, 'a token is needed');
});

await t.test("the people of the caller's office only", async (t) => {
  const a = await get('/v1/directory/people', authHeader({ subject: 'person:x', office: 'VPTU-A' }));
  t.same(
    a.body.people.map((p) => p.subject),
    ['person:nhung'],
  );
  t.notOk(JSON.stringify(a.body).includes('Trần Quốc Bảo'), "another office's people are not listed");
});

await t.test('groups resolve to the active offices they name', async (t) => {
  const headers = authHeader({ subject: 'system:a', office: 'VPTU-A' });
  t.same((await get('/v1/directory/groups/A-HUYEN/members', headers)).body, { group: 'A-HUYEN', offices: ['HU-A1'] });
  t.same((await get('/v1/directory/groups/A-XA/members', headers)).body, {
    group: 'A-XA',
    offices: ['DU-A11', 'DU-A12', 'TU-B'],
  });
  t.same(
    (await get('/v1/directory/groups', headers)).body.groups.map((g) => g.code),
    ['A-HUYEN', 'A-XA'],
  );
  t.equal((await get('/v1/directory/groups/NOPE/members', headers)).body.code, 'GROUP_NOT_FOUND');
  // A retired commune is no longer a member.
  const retire = await post({ offices: [{ ...baseDirectory.offices[6], active: false }] }, centre);
  t.equal(retire.statusCode, 200, retire.body);
  const { rows } = await pool.query<{ envelope: { data: { change: string } } }>(
    'SELECT envelope FROM outbox ORDER BY id DESC LIMIT 1',
  );
  t.equal(rows[0]!.envelope.data.change, 'removed');
  t.same((await get('/v1/directory/groups/A-XA/members', headers)).body.offices, ['DU-A11', 'TU-B']);
});

await t.test('CSV offices: BOM, CRLF, quoted commas and quotes', async (t) => {
  const csv =
    '\uFEFFcode,name,abbreviation,level,parent,seal_key,active\r\n' +
    'DU-A13,"Đảng ủy xã Bình Hòa, Châu Thành",ĐU,commune,HU-A1,,\r\n' +
    'DU-A14,"Đảng ủy xã ""Mới""",ĐU,commune,HU-A1,seal-key-14,true\r\n' +
    '\r\n';
  const res = await post(csv, adminOf('VPTU-A'), 'text/csv; charset=utf-8');
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json().summary.officesCreated, 2);
  t.equal((await get('/v1/directory/offices/DU-A13')).body.name, 'Đảng ủy xã Bình Hòa, Châu Thành');
  t.match((await get('/v1/directory/offices/DU-A14')).body, { name: 'Đảng ủy xã "Mới"', sealKey: 'seal-key-14' });
  const again = await post(csv, adminOf('VPTU-A'), 'text/csv');
  t.equal(again.json().events, 0, 'the same CSV again publishes nothing');
});

await t.test('the OpenAPI document describes the directory: both media types of an import, every answer', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const doc = res.json<{
    paths: Record<string, Record<string, { requestBody?: { content: object }; responses: object }>>;
  }>();
  const post = doc.paths['/v1/directory/imports']!.post!;
  t.same(Object.keys(post.requestBody!.content).sort(), ['application/json', 'text/csv']);
  t.same(Object.keys(post.responses).sort(), ['200', '400', '401', '403', '413', '415', '422']);
  for (const path of [
    '/v1/directory/offices',
    '/v1/directory/offices/{code}',
    '/v1/directory/people',
    '/v1/directory/groups',
    '/v1/directory/groups/{code}',
    '/v1/directory/groups/{code}/members',
  ])
    t.ok(doc.paths[path]?.get, path);
});

await t.test(
  'two imports of the same file at once: one writes and publishes, the other finds nothing to do',
  async (t) => {
    const doc = {
      offices: ['DU-A31', 'DU-A32', 'DU-A33'].map((code) => ({
        code,
        name: `Đảng ủy xã ${code}`,
        abbreviation: 'ĐU',
        level: 'commune',
        parent: 'HU-A1',
      })),
    };
    const before = await outboxCount(pool);
    const answers = await Promise.all([post(doc, centre), post(doc, adminOf('VPTU-A'))]);
    t.same(
      answers.map((a) => a.statusCode),
      [200, 200],
    );
    t.same(answers.map((a) => a.json<{ events: number }>().events).sort(), [0, 3]);
    t.equal(await outboxCount(pool), before + 3);
  },
);
