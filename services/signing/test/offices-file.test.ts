/**
 * LIENTHONG_SIGNING_OFFICES_FILE: the registered offices are read and checked at start; every
 * problem of the file is one line of the error that stops the start, and a file that drops an
 * office stops its certificates (its people stay recorded for when it returns).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { authHeader } from '../../../test/support/auth.ts';
import { uniqueName } from '../../../test/support/env.ts';
import { buildApp } from '../src/app.ts';
import { parseOffices } from '../src/identity/office-file.ts';
import { capturingLogger, connectTestPlatform, dropTestSchemas, startTestSigning, testConfig } from './support.ts';

const dir = await mkdtemp(join(tmpdir(), 'signing-offices-'));
t.teardown(() => rm(dir, { recursive: true, force: true }));

void t.test('a valid file: offices with their texts tidied', async (t) => {
  t.same(
    parseOffices(
      JSON.stringify({
        offices: [
          { code: 'VPTU-CM', name: ' Tỉnh ủy  Cà Mau ', unit: 'Văn phòng Tỉnh ủy', locality: 'Cà Mau' },
          { code: 'vp.tu_hn', name: 'Thành ủy Hà Nội', unit: 'Văn phòng Thành ủy' },
        ],
      }),
      'offices.json',
    ),
    [
      { code: 'VPTU-CM', name: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy', locality: 'Cà Mau' },
      { code: 'vp.tu_hn', name: 'Thành ủy Hà Nội', unit: 'Văn phòng Thành ủy' },
    ],
  );
});

void t.test('every problem of a file is one line naming the file and the place', async (t) => {
  const lines = (text: string): string[] => {
    try {
      parseOffices(text, '/etc/lienthong/offices.json');
    } catch (error) {
      return (error as Error).message.split('\n');
    }
    return [];
  };
  t.match(lines('{ "offices": ['), [
    /^signing: LIENTHONG_SIGNING_OFFICES_FILE \/etc\/lienthong\/offices.json: is not JSON/,
  ]);
  t.match(lines('[]'), [/must be a JSON object with an array "offices"/]);
  t.match(lines('{ "offices": [] }'), [/"offices" is empty/]);
  t.match(lines('{ "offices": [], "admins": [] }'), [/has unknown fields: admins/]);
  const many = lines(
    JSON.stringify({
      offices: [
        { code: 'VPTU CM', name: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy' },
        { code: 'VPTU-HN', name: '', unit: 'Văn phòng Thành ủy', ca: 'x' },
        { code: 'VPTU-HN', name: 'Thành ủy Hà Nội', unit: 'Văn phòng Thành ủy', locality: 7 },
        'VPTU-BL',
      ],
    }),
  );
  t.same(
    many.map((line) => line.replace('signing: LIENTHONG_SIGNING_OFFICES_FILE /etc/lienthong/offices.json: ', '')),
    [
      `offices[0].code must be 1-64 letters, digits, '.', '_' or '-' starting with a letter or digit (got "VPTU CM")`,
      'offices[1] has unknown fields: ca',
      'offices[1].name must be a text of 1-200 characters',
      'offices[2].code VPTU-HN is listed twice',
      'offices[2].locality must be a text of 1-100 characters',
      'offices[3] must be an object { code, name, unit, locality? }',
    ],
  );
});

void t.test('an unreadable or invalid file stops the start', async (t) => {
  const bad = join(dir, 'bad.json');
  await writeFile(bad, JSON.stringify({ offices: [{ code: 'VPTU-CM', unit: 'Văn phòng Tỉnh ủy' }] }));
  for (const [file, message] of [
    [join(dir, 'missing.json'), /LIENTHONG_SIGNING_OFFICES_FILE .*missing\.json cannot be read \(ENOENT\)/],
    [bad, /offices\[0\]\.name must be a text/],
  ] as const) {
    const schema = uniqueName('signing_offices');
    const { logger } = capturingLogger();
    const platform = await connectTestPlatform(schema, logger, dir);
    // A failed build closes the app, and the platform with it.
    await t.rejects(buildApp(testConfig(dir, { LIENTHONG_SIGNING_OFFICES_FILE: file }), { platform, logger }), {
      message,
    });
    await dropTestSchemas(schema);
  }
});

void t.test('an office the file no longer lists gets no certificate; its people wait for it', async (t) => {
  const admin = authHeader({ subject: 'person:admin', office: 'VPTU-BL', roles: ['ca-admin'] });
  const first = await startTestSigning();
  const schema = first.schema;
  t.teardown(() => dropTestSchemas(schema));
  try {
    const put = await first.app.inject({
      method: 'PUT',
      url: '/v1/offices/self/people/person%3Alan',
      headers: admin,
      payload: { name: 'Lý Thị Lan', title: 'Bí thư Tỉnh ủy' },
    });
    t.equal(put.statusCode, 201, put.body);
  } finally {
    await first.close();
  }
  const only = join(dir, 'only-cm.json');
  await writeFile(
    only,
    JSON.stringify({ offices: [{ code: 'VPTU-CM', name: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy' }] }),
  );
  const second = await startTestSigning(schema, { LIENTHONG_SIGNING_OFFICES_FILE: only });
  try {
    t.match(second.lines.join(''), /1 registered office\(s\) from .*only-cm\.json: VPTU-CM; no longer registered: /);
    const seal = await second.app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
    t.equal(seal.statusCode, 409);
    t.match(seal.json(), { code: 'OFFICE_NOT_REGISTERED' });
    const { rows } = await second.pool.query('SELECT 1 FROM person WHERE office = $1', ['VPTU-BL']);
    t.equal(rows.length, 1, 'the people of the office stay recorded');
  } finally {
    await second.close();
  }
});
