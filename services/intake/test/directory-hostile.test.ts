/**
 * Hostile and mistaken imports: each is refused with a problem that says what and where
 * (JSON pointer, CSV line), all problems at once, and leaves the directory and the outbox
 * exactly as they were.
 */
import t, { type Test } from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { adminOf, baseDirectory, directoryState, intakeForFile } from './support.ts';

const { app, pool } = await intakeForFile(t);
const centre = adminOf('VPTW');
const admin = adminOf('VPTU-A');

const post = (payload: string, headers: Record<string, string>, contentType: string) =>
  app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...headers, 'content-type': contentType },
    payload,
  });
const json = (doc: unknown, headers = admin) => post(JSON.stringify(doc), headers, 'application/json');
const csv = (text: string, headers = admin) => post(text, headers, 'text/csv');

const seeded = await json(baseDirectory, centre);
if (seeded.statusCode !== 200) throw new Error(seeded.body);

interface Problem {
  pointer: string;
  message: string;
  line?: number;
}

/** Runs `attempt`, checks its status and code, that nothing changed, and returns the problem body. */
async function refused(
  t: Test,
  attempt: () => Promise<{ statusCode: number; body: string; headers: Record<string, unknown> }>,
  status: number,
  code: string,
): Promise<{ problems?: Problem[]; detail?: string }> {
  const before = await directoryState(pool);
  const res = await attempt();
  t.equal(res.statusCode, status, res.body.slice(0, 500));
  t.match(String(res.headers['content-type']), /^application\/problem\+json/);
  const body = JSON.parse(res.body) as { code: string; problems?: Problem[]; detail?: string };
  t.equal(body.code, code);
  t.equal(await directoryState(pool), before, 'nothing changed, nothing published');
  return body;
}

const commune = (code: string, parent: string, extra: Record<string, unknown> = {}) => ({
  code,
  name: `Đảng ủy xã ${code}`,
  abbreviation: 'ĐU',
  level: 'commune',
  parent,
  ...extra,
});

await t.test('malformed CSV: every syntax mistake names its line', async (t) => {
  const header = 'code,name,abbreviation,level,parent\n';
  const unclosed = await refused(
    t,
    () => csv(`${header}DU-X1,"Đảng ủy xã X,ĐU,commune,HU-A1\n`),
    400,
    'DIRECTORY_CSV_MALFORMED',
  );
  t.match(unclosed.problems, [{ line: 2, message: /never closed/ }]);
  const stray = await refused(
    t,
    () => csv(`${header}DU-X1,Đảng "ủy",ĐU,commune,HU-A1\n`),
    400,
    'DIRECTORY_CSV_MALFORMED',
  );
  t.match(stray.problems, [{ line: 2, message: /quote inside/ }]);
  const after = await refused(
    t,
    () => csv(`${header}DU-X1,"Đảng ủy"x,ĐU,commune,HU-A1\n`),
    400,
    'DIRECTORY_CSV_MALFORMED',
  );
  t.match(after.problems, [{ line: 2, message: /after a closing quote/ }]);
  const columns = await refused(
    t,
    () => csv(`${header}DU-X1,Đảng ủy xã X,ĐU,commune\r\nDU-X2,Đảng ủy xã Y,ĐU,hamlet,HU-A1\r\n`),
    400,
    'DIRECTORY_CSV_MALFORMED',
  );
  t.match(columns.problems, [
    { line: 2, pointer: '/offices/0', message: /4 fields/ },
    { line: 3, pointer: '/offices/1/level' },
  ]);
  const unknown = await refused(t, () => csv('code,name,level,colour\n'), 400, 'DIRECTORY_CSV_MALFORMED');
  t.match(unknown.problems, [{ message: /unknown column "colour"/ }, { message: /no column abbreviation/ }]);
  await refused(t, () => csv(''), 400, 'DIRECTORY_CSV_MALFORMED');
});

await t.test('CSV field contents are checked with their line: line breaks, non-NFC, over-long', async (t) => {
  const body =
    'code,name,abbreviation,level,parent\n' +
    'DU-X1,"Đảng ủy xã\nhai dòng",ĐU,commune,HU-A1\n' +
    `DU-X2,${'Đảng ủy xã Đông Hòa'.normalize('NFD')},ĐU,commune,HU-A1\n` +
    `DU-X3,${'x'.repeat(301)},ĐU,commune,HU-A1\n` +
    'DU-X4,Đảng ủy xã X4,DU x,commune,HU-A1\n';
  const problem = await refused(t, () => csv(body), 422, 'DIRECTORY_INVALID');
  t.match(problem.problems, [
    { pointer: '/offices/0/name', line: 2 },
    { pointer: '/offices/1/name', line: 4, message: /NFC/ },
    { pointer: '/offices/2/name', line: 5 },
    { pointer: '/offices/3/abbreviation', line: 6 },
  ]);
});

await t.test(
  'the tree: a cycle, an unknown parent, a level under a lower one, its own parent, duplicates',
  async (t) => {
    const cycle = await refused(
      t,
      () =>
        json({
          offices: [
            { code: 'HU-A1', name: 'Huyện ủy Châu Thành', abbreviation: 'HU', level: 'district', parent: 'HU-X' },
            { code: 'HU-X', name: 'Huyện ủy X', abbreviation: 'HU', level: 'district', parent: 'HU-A1' },
          ],
        }),
      422,
      'DIRECTORY_INVALID',
    );
    t.match(cycle.problems, [
      { pointer: '/offices/0/parent', message: /HU-A1 is in a cycle/ },
      { pointer: '/offices/1/parent', message: /HU-X is in a cycle/ },
    ]);
    t.equal(cycle.problems!.length, 2);
    const problem = await refused(
      t,
      () =>
        json({
          offices: [
            commune('DU-X1', 'HU-NOWHERE'),
            { code: 'HU-X', name: 'Huyện ủy X', abbreviation: 'HU', level: 'district', parent: 'DU-A11' },
            commune('DU-X3', 'DU-X3'),
            commune('DU-X4', 'HU-A1'),
            commune('DU-X4', 'HU-A1'),
          ],
          people: [
            { office: 'VPTU-A', subject: 'person:x', name: 'Lê Văn X', title: 'Văn thư', roles: ['emperor'] },
            { office: 'VPTU-ZZ', subject: 'person:y', name: 'Lê Văn Y', title: 'Văn thư', roles: [] },
          ],
          groups: [{ code: 'G1', office: 'VPTU-A', name: 'Nhóm', rules: [{ under: 'HU-NOWHERE', level: 'commune' }] }],
        }),
      422,
      'DIRECTORY_INVALID',
    );
    t.match(problem.problems, [
      { pointer: '/offices/0/parent', message: /neither in the directory nor in this file/ },
      { pointer: '/offices/1/parent', message: /district office cannot sit under DU-A11, a commune/ },
      { pointer: '/offices/2/parent', message: /its own parent/ },
      { pointer: '/offices/4/code', message: /listed twice/ },
      { pointer: '/people/0/roles/0' },
      { pointer: '/people/1/office' },
      { pointer: '/groups/0/rules/0/under' },
    ]);
  },
);

await t.test('JSON the schema refuses: over-long, unknown fields, wrong types', async (t) => {
  const long = await refused(
    t,
    () => json({ offices: [commune('DU-X1', 'HU-A1', { name: 'x'.repeat(301) })] }),
    400,
    'VALIDATION_FAILED',
  );
  t.match(long.detail, /offices\/0\/name/);
  const many = await refused(
    t,
    () =>
      json({
        offices: [
          commune('DU-X1', 'HU-A1', { name: 'x'.repeat(301) }),
          commune('DU-X2', 'HU-A1', { level: 'hamlet' }),
          commune('DU-X3', 'HU-A1', { colour: 'red' }),
        ],
      }),
    400,
    'VALIDATION_FAILED',
  );
  const pointers = (many as { errors?: { pointer: string }[] }).errors?.map((e) => e.pointer) ?? [];
  t.ok(pointers.includes('/offices/0/name'), 'the first row');
  t.ok(pointers.includes('/offices/1/level'), 'the second');
  t.ok(
    pointers.some((p) => p.startsWith('/offices/2')),
    'the third',
  );
  await refused(t, () => json({ offices: [commune('DU-X1', 'HU-A1', { colour: 'red' })] }), 400, 'VALIDATION_FAILED');
  await refused(t, () => json({ offices: [commune('DU X1', 'HU-A1')] }), 400, 'VALIDATION_FAILED');
  await refused(t, () => json({ offices: 'all' }), 400, 'VALIDATION_FAILED');
  await refused(t, () => post('{"offices": [', admin, 'application/json'), 400, 'MALFORMED_BODY');
  const nfd = await refused(
    t,
    () => json({ offices: [commune('DU-X1', 'HU-A1', { name: 'Đảng ủy xã Hòa'.normalize('NFD') })] }),
    422,
    'DIRECTORY_INVALID',
  );
  t.match(nfd.problems, [{ pointer: '/offices/0/name', message: /NFC/ }]);
});

await t.test('a JSON body with a byte order mark is read', async (t) => {
  const res = await post(
    `\uFEFF${JSON.stringify({ offices: [commune('DU-BOM', 'HU-A1')] })}`,
    admin,
    'application/json',
  );
  t.equal(res.statusCode, 200, res.body);
});

await t.test('10 MB → 413; other media types → 415', async (t) => {
  const big = `code,name,abbreviation,level,parent\n${`DU-X,Đảng ủy xã X,ĐU,commune,HU-A1\n`.repeat(300_000)}`;
  t.ok(Buffer.byteLength(big) > 10_000_000);
  await refused(t, () => csv(big), 413, 'PAYLOAD_TOO_LARGE');
  await refused(
    t,
    () => post(JSON.stringify({ offices: [], pad: 'x'.repeat(10_000_000) }), admin, 'application/json'),
    413,
    'PAYLOAD_TOO_LARGE',
  );
  await refused(t, () => post('code,name\n', admin, 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE');
  await refused(t, () => post('<offices/>', admin, 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
});

await t.test('only a directory-admin imports', async (t) => {
  const clerk = authHeader({ subject: 'person:clerk', office: 'VPTU-A', roles: ['registry', 'ca-admin'] });
  await refused(t, () => json({ offices: [commune('DU-X1', 'HU-A1')] }, clerk), 403, 'FORBIDDEN');
  await refused(
    t,
    () =>
      app.inject({
        method: 'POST',
        url: '/v1/directory/imports',
        headers: { 'content-type': 'application/json' },
        payload: '{}',
      }),
    401,
    'UNAUTHENTICATED',
  );
});
