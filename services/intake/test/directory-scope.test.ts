/**
 * Who manages which part of the directory: a directory-admin of a province committee's
 * office manages that committee's subtree — its own office, the committee, its districts
 * and communes — and never another province's subtree or the centre; the refusal changes
 * nothing and publishes nothing.
 */
import t from 'tap';
import { adminOf, baseDirectory, directoryState, intakeForFile } from './support.ts';

const { app, pool } = await intakeForFile(t);
const provinceA = adminOf('VPTU-A');

const post = (doc: unknown, headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(doc),
  });

await t.test('the first import must hold the caller’s own office', async (t) => {
  const res = await post(baseDirectory, adminOf('VPTU-ELSEWHERE'));
  t.equal(res.statusCode, 403);
  t.equal(res.json().code, 'DIRECTORY_CALLER_UNKNOWN');
  const { rows } = await pool.query('SELECT 1 FROM office');
  t.equal(rows.length, 0);
  const seeded = await post(baseDirectory, adminOf('VPTW'));
  t.equal(seeded.statusCode, 200, seeded.body);
});

const office = (code: string, level: string, parent: string | null, name = `Đảng ủy ${code}`) => ({
  code,
  name,
  abbreviation: level === 'district' ? 'HU' : level === 'commune' ? 'ĐU' : 'TU',
  level,
  parent,
});

const outside: [string, unknown, string[]][] = [
  [
    'changing another province’s district',
    { offices: [office('HU-B1', 'district', 'TU-B', 'Huyện ủy Mới')] },
    ['HU-B1'],
  ],
  ['adding a commune under another province', { offices: [office('DU-B11', 'commune', 'HU-B1')] }, ['DU-B11']],
  [
    'moving a district to another province',
    { offices: [office('HU-A1', 'district', 'TU-B', 'Huyện ủy Châu Thành')] },
    ['HU-A1'],
  ],
  [
    'moving its own committee in the tree',
    { offices: [{ code: 'TU-A', name: 'Tỉnh ủy An Giang', abbreviation: 'TU', level: 'province', parent: 'TU-B' }] },
    ['TU-A'],
  ],
  [
    'renaming the centre',
    { offices: [{ code: 'TW', name: 'Trung ương', abbreviation: 'TW', level: 'centre' }] },
    ['TW'],
  ],
  [
    'recording people of another province',
    { people: [{ office: 'VPTU-B', subject: 'person:z', name: 'Lê Văn Z', title: 'Văn thư', roles: [] }] },
    ['VPTU-B'],
  ],
  [
    'a group owned by another province',
    { groups: [{ code: 'B-G', office: 'VPTU-B', name: 'Nhóm B', offices: ['HU-A1'] }] },
    ['VPTU-B'],
  ],
];

for (const [what, doc, codes] of outside) {
  await t.test(`refused: ${what}`, async (t) => {
    const before = await directoryState(pool);
    const res = await post(doc, provinceA);
    t.equal(res.statusCode, 403, res.body);
    t.equal(res.json().code, 'DIRECTORY_OUT_OF_SCOPE');
    t.same(res.json().offices, codes);
    t.equal(await directoryState(pool), before, 'nothing changed, nothing published');
  });
}

await t.test('within its committee: the committee, its office, districts, communes, people, groups', async (t) => {
  const res = await post(
    {
      offices: [
        { code: 'TU-A', name: 'Tỉnh ủy An Giang (mới)', abbreviation: 'TU', level: 'province', parent: 'TW' },
        office('HU-A2', 'district', 'TU-A', 'Huyện ủy Chợ Mới'),
        office('DU-A21', 'commune', 'HU-A2', 'Đảng ủy xã Kiến An'),
      ],
      people: [{ office: 'HU-A2', subject: 'person:an', name: 'Võ Văn An', title: 'Bí thư', roles: ['signer'] }],
      groups: [{ code: 'A-G2', office: 'VPTU-A', name: 'Nhóm Chợ Mới', rules: [{ under: 'HU-A2', level: 'commune' }] }],
    },
    provinceA,
  );
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json().summary, { officesCreated: 2, officesUpdated: 1, people: 1, groups: 1 });
});

await t.test('a district office manages its district only', async (t) => {
  const district = adminOf('HU-A1');
  const own = await post({ offices: [office('DU-A19', 'commune', 'HU-A1')] }, district);
  t.equal(own.statusCode, 200, own.body);
  const sibling = await post({ offices: [office('DU-A29', 'commune', 'HU-A2')] }, district);
  t.equal(sibling.statusCode, 403);
  t.equal(sibling.json().code, 'DIRECTORY_OUT_OF_SCOPE');
});

await t.test('an office that is not in the directory, or retired, manages nothing', async (t) => {
  const res = await post({ offices: [office('DU-A18', 'commune', 'HU-A1')] }, adminOf('VPTU-Q'));
  t.equal(res.statusCode, 403);
  t.equal(res.json().code, 'DIRECTORY_CALLER_UNKNOWN');
  const retire = await post({ offices: [{ ...office('DU-A19', 'commune', 'HU-A1'), active: false }] }, provinceA);
  t.equal(retire.statusCode, 200, retire.body);
  const retired = await post({ offices: [office('DU-A19', 'commune', 'HU-A1')] }, adminOf('DU-A19'));
  t.equal(retired.json().code, 'DIRECTORY_CALLER_UNKNOWN');
});
