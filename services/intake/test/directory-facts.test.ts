/**
 * `directory.changed` of an office carries the office as the directory now holds it, for the
 * signing service's registration authority (issue 16): the committee's legal name (climbing
 * while the parent is at the same level), the unit (or the name), the locality, and the whole
 * list of its people. Offices take optional `unit` and `locality` (JSON and CSV), checked like
 * the other texts; an office whose committee is renamed is published again; an office that
 * would have more people than one event may carry is refused, and nothing is written.
 */
import t from 'tap';
import { maxOfficePeople, validateEventData, type DirectoryChanged } from '@lienthong/records';
import { demoDirectory } from '../src/directory/demo-directory.ts';
import { adminOf, baseDirectory, directoryState, intakeForFile, outboxCount } from './support.ts';

const { app, pool } = await intakeForFile(t);
const centre = adminOf('VPTW');

const post = (payload: unknown, headers: Record<string, string> = centre, contentType = 'application/json') =>
  app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...headers, 'content-type': contentType },
    payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });

/** The data of the latest outbox event keyed `key`. */
async function latest(key: string): Promise<DirectoryChanged | undefined> {
  const { rows } = await pool.query<{ envelope: { type: string; schemaVersion: number; data: DirectoryChanged } }>(
    'SELECT envelope FROM outbox WHERE key = $1 ORDER BY id DESC LIMIT 1',
    [key],
  );
  const envelope = rows[0]?.envelope;
  if (envelope !== undefined) {
    const checked = validateEventData(envelope.type, envelope.schemaVersion, envelope.data);
    if (!checked.ok) throw new Error(`${key}: ${JSON.stringify(checked.problems)}`);
  }
  return envelope?.data;
}

const withUnits = {
  ...baseDirectory,
  offices: baseDirectory.offices.map((o) =>
    o.code === 'VPTU-A' ? { ...o, unit: 'Văn phòng Tỉnh ủy', locality: 'An Giang' } : o,
  ),
};

await t.test('each office event carries its committee’s legal name, unit, locality and people', async (t) => {
  const res = await post(withUnits);
  t.equal(res.statusCode, 200, res.body);
  t.same((await latest('office:VPTU-A'))?.office, {
    name: 'Văn phòng Tỉnh ủy An Giang',
    organisation: 'Tỉnh ủy An Giang',
    unit: 'Văn phòng Tỉnh ủy',
    locality: 'An Giang',
    level: 'province',
    parent: 'TU-A',
    active: true,
    people: [{ subject: 'person:nhung', name: 'Nguyễn Thị Hồng Nhung', title: 'Chánh Văn phòng' }],
  });
  t.same(
    (await latest('office:HU-A1'))?.office,
    {
      name: 'Huyện ủy Châu Thành',
      organisation: 'Huyện ủy Châu Thành',
      unit: 'Huyện ủy Châu Thành',
      level: 'district',
      parent: 'TU-A',
      active: true,
      people: [],
    },
    'a district is its own committee; without a unit its name is the unit; no locality',
  );
  t.match((await latest('office:VPTW'))?.office, { organisation: 'Ban Chấp hành Trung ương' });
  t.equal((await latest('group:A-HUYEN')) && 'office' in (await latest('group:A-HUYEN'))!, false, 'groups: no facts');
  const read = await app.inject({ method: 'GET', url: '/v1/directory/offices/VPTU-A', headers: centre });
  t.match(read.json(), { unit: 'Văn phòng Tỉnh ủy', locality: 'An Giang' });
});

await t.test('a person added publishes the office with every one of its people', async (t) => {
  const res = await post({
    people: [{ office: 'VPTU-A', subject: 'person:an', name: 'Lê Văn An', title: 'Văn thư', roles: ['registry'] }],
  });
  t.equal(res.statusCode, 200, res.body);
  const data = await latest('office:VPTU-A');
  t.match(data, { change: 'updated', revision: 2 });
  t.same(
    data?.office?.people.map((p) => p.subject),
    ['person:an', 'person:nhung'],
  );
});

await t.test('a committee renamed publishes the offices whose certificates name it, not the others', async (t) => {
  const before = await outboxCount(pool);
  const renamed = baseDirectory.offices.find((o) => o.code === 'TU-A')!;
  const res = await post({ offices: [{ ...renamed, name: 'Tỉnh ủy An Giang mới' }] });
  t.equal(res.statusCode, 200, res.body);
  t.same(res.json(), {
    summary: { officesCreated: 0, officesUpdated: 1, officesUnchanged: 0, people: 0, groups: 0 },
    events: 2,
  });
  t.equal(await outboxCount(pool), before + 2);
  t.match(await latest('office:VPTU-A'), {
    revision: 3,
    office: { organisation: 'Tỉnh ủy An Giang mới', unit: 'Văn phòng Tỉnh ủy' },
  });
  t.match((await latest('office:HU-A1'))?.revision, 1, 'the district under it names itself');
  const office = await pool.query<{ revision: number }>("SELECT revision FROM office WHERE code = 'VPTU-A'");
  t.equal(office.rows[0]?.revision, 3, 'its revision moved with the event');
});

await t.test('CSV offices take unit and locality columns', async (t) => {
  const csv =
    'code,name,abbreviation,level,parent,unit,locality\n' +
    'HU-A2,Huyện ủy Tri Tôn,HU,district,TU-A,Văn phòng Huyện ủy,"Tri Tôn, An Giang"\n';
  const res = await post(csv, centre, 'text/csv');
  t.equal(res.statusCode, 200, res.body);
  t.match((await latest('office:HU-A2'))?.office, {
    organisation: 'Huyện ủy Tri Tôn',
    unit: 'Văn phòng Huyện ủy',
    locality: 'Tri Tôn, An Giang',
  });
});

await t.test('hostile units and localities are refused where they are; nothing is written', async (t) => {
  const state = await directoryState(pool);
  const office = baseDirectory.offices.find((o) => o.code === 'HU-A1')!;
  const nfd = await post({ offices: [{ ...office, unit: 'Văn phòng Huyện ủy'.normalize('NFD') }] });
  t.equal(nfd.statusCode, 422);
  t.match(nfd.json(), { code: 'DIRECTORY_INVALID', problems: [{ pointer: '/offices/0/unit', message: /NFC/ }] });
  const padded = await post({ offices: [{ ...office, locality: ' Châu Thành' }] });
  t.equal(padded.statusCode, 422);
  t.match(padded.json(), { problems: [{ pointer: '/offices/0/locality' }] });
  const long = await post({ offices: [{ ...office, locality: 'x'.repeat(101) }] });
  t.equal(long.statusCode, 400);
  t.match(long.json(), { code: 'VALIDATION_FAILED' });
  const csv = await post(
    'code,name,abbreviation,level,parent,unit\nHU-A3,Huyện ủy X,HU,district,TU-A,"Văn\u200b phòng"\n',
    centre,
    'text/csv',
  );
  t.equal(csv.statusCode, 422);
  t.match(csv.json(), { problems: [{ pointer: '/offices/0/unit', line: 2 }] });
  t.equal(await directoryState(pool), state);
});

await t.test('an office with more people than one event carries is refused whole', async (t) => {
  const state = await directoryState(pool);
  const many = Array.from({ length: maxOfficePeople }, (_, i) => ({
    office: 'HU-A1',
    subject: `person:p${i}`,
    name: 'Nguyễn Văn Nam',
    title: 'Chuyên viên',
    roles: [],
  }));
  // The stored person:an of VPTU-A does not count for HU-A1: exactly the cap is accepted.
  const atCap = await post({ people: many });
  t.equal(atCap.statusCode, 200, atCap.body);
  t.equal((await latest('office:HU-A1'))?.office?.people.length, maxOfficePeople);
  const afterCap = await directoryState(pool);
  const over = await post({
    people: [{ office: 'HU-A1', subject: 'person:one-more', name: 'Trần Văn Một', title: 'Văn thư', roles: [] }],
  });
  t.equal(over.statusCode, 422);
  t.match(over.json(), {
    code: 'DIRECTORY_INVALID',
    problems: [{ pointer: '/people/0', message: /HU-A1 would have more than 2000 people/ }],
  });
  t.equal(await directoryState(pool), afterCap);
  t.not(afterCap, state);
});

await t.test('an office whose people would not fit in one bus message is refused, nothing written', async (t) => {
  const state = await directoryState(pool);
  const outbox = await outboxCount(pool);
  const long = 'Trưởng ban '.repeat(27).trim();
  const res = await post({
    people: Array.from({ length: maxOfficePeople }, (_, i) => ({
      office: 'DU-A11',
      subject: `person:q${i}`,
      name: 'Nguyễn Thị Hồng Nhung '.repeat(13).trim(),
      title: long,
      roles: [],
    })),
  });
  t.equal(res.statusCode, 422, res.body.slice(0, 300));
  t.match(res.json(), {
    problems: [{ pointer: '/people', message: /DU-A11 would be published .* over the bus's 1000000/ }],
  });
  t.equal(await directoryState(pool), state);
  t.equal(await outboxCount(pool), outbox);
});

await t.test('the demo office publishes what npm start’s offices file has always said', async (t) => {
  const demo = await intakeForFile(t);
  const res = await demo.app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...adminOf('VPTU-DEMO'), 'content-type': 'application/json' },
    payload: JSON.stringify(demoDirectory()),
  });
  t.equal(res.statusCode, 200, res.body);
  const { rows } = await demo.pool.query<{ envelope: { data: DirectoryChanged } }>(
    "SELECT envelope FROM outbox WHERE key = 'office:VPTU-DEMO'",
  );
  // scripts/lib/demo.ts demoOffice: { code: 'VPTU-DEMO', name: 'Tỉnh ủy Demo', unit: 'Văn phòng Tỉnh ủy' }.
  const facts = rows[0]?.envelope.data.office;
  t.match(facts, { organisation: 'Tỉnh ủy Demo', unit: 'Văn phòng Tỉnh ủy' });
  t.notOk(facts && 'locality' in facts, 'no locality');
  t.match(
    facts?.people.find((p) => p.subject === 'person:bi-thu'),
    { name: 'Nguyễn Văn An', title: 'Bí thư Tỉnh ủy' },
    'the demo signer as scripts/lib/demo.ts records them',
  );
});
