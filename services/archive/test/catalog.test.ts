/**
 * The catalog and its search on the real PostgreSQL: a corpus of 204 Vietnamese subjects,
 * queries with and without diacritics (the same records, the best first), every filter,
 * paging without duplicates or gaps, the office scope, and hostile input (400, nothing changed).
 */
import t from 'tap';
import { foldText } from '../src/catalog/fold.ts';
import { findRecord, searchRecords, upsertRecord } from '../src/catalog/catalog-repository.ts';
import { corpus, corpusId, corpusOffices } from './corpus.ts';
import { archiveForFile, callerOf } from './support.ts';

const { app, pool } = await archiveForFile(t);
const records = corpus();
for (const record of records) await upsertRecord(pool, record);

const [province, damDoi, namCan, tanPhu] = corpusOffices;
const sees = (office: string) =>
  records.filter((r) => r.issuingOffice === office || r.receivingOffices.includes(office));

interface Found {
  id: string;
  subject: string;
  rank: number | null;
  issuedDate: string;
  issuingOffice: string;
  receivingOffices: string[];
}
interface Page {
  office: string;
  records: Found[];
  nextCursor: string | null;
}

async function search(query: Record<string, string | number>, headers = callerOf(province, 'office-system')) {
  const response = await app.inject({ method: 'GET', url: '/v1/records', query: stringify(query), headers });
  return response;
}
const stringify = (query: Record<string, string | number>) =>
  Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)]));

/** Every record of a search, page after page. */
async function searchAll(query: Record<string, string | number>, headers = callerOf(province, 'office-system')) {
  const found: Found[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 100; pages += 1) {
    const response = await search({ ...query, ...(cursor === null ? {} : { cursor }) }, headers);
    if (response.statusCode !== 200) throw new Error(`${response.statusCode} ${response.body}`);
    const page = response.json<Page>();
    found.push(...page.records);
    cursor = page.nextCursor;
    if (cursor === null) return found;
  }
  throw new Error('too many pages');
}

await t.test('folding: lower case, no diacritics, đ → d, punctuation to single spaces', async (t) => {
  t.equal(foldText('Kế hoạch tổ chức Đại hội đảng bộ'), 'ke hoach to chuc dai hoi dang bo');
  t.equal(foldText('  Phòng,  chống tham nhũng; lãng phí… (Ðợt 2) '), 'phong chong tham nhung lang phi dot 2');
  t.equal(foldText('Ưu tiên ƠN NGƯỜI thủy sản'), 'uu tien on nguoi thuy san');
  t.equal(foldText('Kế hoạch'.normalize('NFC')), foldText('Kế hoạch'.normalize('NFD')));
  t.equal(foldText('"đại hội" 2026', '"'), '"dai hoi" 2026');
});

await t.test('upsert is idempotent by id, and a changed record is updated', async (t) => {
  const record = records[5]!;
  t.equal(await upsertRecord(pool, record), 'unchanged');
  t.equal(await upsertRecord(pool, { ...record, status: 'replaced' }), 'updated');
  t.equal((await findRecord(pool, record.issuingOffice, record.id))?.status, 'replaced');
  t.equal(await upsertRecord(pool, record), 'updated');
  const { rows } = await pool.query<{ n: string }>('SELECT count(*) AS n FROM record');
  t.equal(Number(rows[0]!.n), records.length);
});

await t.test('queries with and without diacritics find the same records', async (t) => {
  const pairs = [
    ['kế hoạch đại hội', 'ke hoach dai hoi'],
    ['Chỉ thị tăng cường', 'chi thi tang cuong'],
    ['ĐẦM DƠI', 'dam doi'],
    ['thủy sản bền vững', 'thuy san ben vung'],
    ['Nghị quyết phát triển kinh tế', 'nghi quyet phat trien kinh te'],
    ['"chuẩn y" Bí thư', '"chuan y" bi thu'],
  ];
  for (const [marked, plain] of pairs) {
    const a = await searchAll({ q: marked!, limit: 100 });
    const b = await searchAll({ q: plain!, limit: 100 });
    t.ok(a.length > 0, `${marked} finds records`);
    t.same(
      b.map((r) => r.id),
      a.map((r) => r.id),
      `${plain} = ${marked}`,
    );
  }
});

await t.test('"ke hoach dai hoi" ranks the plans for congresses first', async (t) => {
  for (const office of corpusOffices) {
    const headers = callerOf(office, 'office-system');
    const found = await searchAll({ q: 'ke hoach dai hoi', limit: 100 }, headers);
    const plans = sees(office).filter((r) => r.theme === 'congress-plan');
    const decoys = found.filter((r) => !r.subject.startsWith('Kế hoạch tổ chức Đại hội'));
    t.ok(plans.length > 0 && decoys.length > 0, `${office}: plans and decoys both match`);
    t.same(
      found
        .slice(0, plans.length)
        .map((r) => r.id)
        .sort(),
      plans.map((r) => r.id).sort(),
      `${office}: the ${plans.length} congress plans come before ${decoys.length} other matches`,
    );
    for (let i = 1; i < found.length; i += 1) t.ok(found[i - 1]!.rank! >= found[i]!.rank!, 'ranks descend');
  }
  const phrase = await searchAll({ q: '"dai hoi dang bo" tan phu', limit: 100 });
  t.ok(phrase.length > 0);
  t.ok(
    phrase.every((r) => foldText(r.subject).includes('dai hoi dang bo') && foldText(r.subject).includes('tan phu')),
    'a quoted phrase is matched in order',
  );
});

await t.test('a broad search ranks its newest matches and says how many; a narrow one ranks all', async (t) => {
  const bounds = { lookThrough: 60, rankAtLeast: 5, rankWithin: 12 };
  const newest = [...records].sort((a, b) =>
    a.issuedDate !== b.issuedDate ? (a.issuedDate < b.issuedDate ? 1 : -1) : a.id < b.id ? 1 : -1,
  );
  const has = (r: (typeof records)[number], words: string[]) =>
    words.every((w) => foldText(r.subject).split(' ').includes(w)) &&
    (r.issuingOffice === province || r.receivingOffices.includes(province));
  const all = async (q: string, limit: number, extra: Record<string, string> = {}) => {
    const found: Array<{ id: string; rank: number | null }> = [];
    let after: Parameters<typeof searchRecords>[3]['after'];
    for (let pages = 0; pages < 100; pages += 1) {
      const page = await searchRecords(pool, province, { q, ...extra }, { limit, ...(after ? { after } : {}) }, bounds);
      found.push(...page.records);
      if (!page.more) return { found, rankedWithin: page.rankedWithin };
      after = page.last;
    }
    throw new Error('too many pages');
  };

  const broad = await all('cong tac', 100);
  const expected = newest
    .slice(0, bounds.lookThrough)
    .filter((r) => has(r, ['cong', 'tac']))
    .slice(0, bounds.rankWithin);
  t.ok(records.filter((r) => has(r, ['cong', 'tac'])).length > expected.length, 'more match than are ranked');
  t.equal(broad.rankedWithin, bounds.rankWithin, 'the page says how many were ranked');
  t.same(broad.found.map((r) => r.id).sort(), expected.map((r) => r.id).sort(), 'the newest matches, ranked');
  for (let i = 1; i < broad.found.length; i += 1)
    t.ok(broad.found[i - 1]!.rank! >= broad.found[i]!.rank!, 'ranks descend');
  const paged = await all('cong tac', 5);
  t.same(
    paged.found.map((r) => r.id),
    broad.found.map((r) => r.id),
    'in pages of 5 = in one',
  );

  const narrow = await all('dam doi', 100);
  t.equal(narrow.rankedWithin, null, 'a narrow search ranks every match');
  t.same(
    narrow.found.map((r) => r.id).sort(),
    records
      .filter((r) => has(r, ['dam', 'doi']))
      .map((r) => r.id)
      .sort(),
  );
  const unbounded = await searchRecords(pool, province, { q: 'cong tac' }, { limit: 100 });
  t.equal(unbounded.rankedWithin, null, 'under the default bounds the corpus is ranked whole');
  const route = (await search({ q: 'cong tac' })).json<{ rankedWithin: number | null }>();
  t.equal(route.rankedWithin, null, 'the answer says rankedWithin');
});

await t.test('every filter narrows to what it says', async (t) => {
  const mine = sees(province);
  const cases: Array<[Record<string, string | number>, (r: (typeof records)[number]) => boolean]> = [
    [{ number: 7 }, (r) => r.number === 7],
    [{ symbol: records[8]!.symbol }, (r) => r.symbol === records[8]!.symbol],
    [{ type: 'QĐ' }, (r) => r.documentType === 'QĐ'],
    [{ office: tanPhu }, (r) => r.issuingOffice === tanPhu || r.receivingOffices.includes(tanPhu)],
    [{ from: '2026-03-01', to: '2026-03-31' }, (r) => r.issuedDate >= '2026-03-01' && r.issuedDate <= '2026-03-31'],
    [{ from: '2026-06-01' }, (r) => r.issuedDate >= '2026-06-01'],
    [{ signer: 'do thi thu huong' }, (r) => r.signer.subject === 'person:do-thi-thu-huong'],
    [{ signer: 'Đỗ Thị Thu Hương' }, (r) => r.signer.subject === 'person:do-thi-thu-huong'],
    [{ signer: 'person:lu-van-hung' }, (r) => r.signer.subject === 'person:lu-van-hung'],
    [{ status: 'recalled' }, (r) => r.status === 'recalled'],
    [{ file: 'HS-2026-04' }, (r) => r.file === 'HS-2026-04'],
    [
      { q: 'bao cao', type: 'BC', office: damDoi },
      (r) =>
        r.documentType === 'BC' &&
        foldText(r.subject).includes('bao cao') &&
        (r.issuingOffice === damDoi || r.receivingOffices.includes(damDoi)),
    ],
  ];
  for (const [query, wanted] of cases) {
    const found = await searchAll({ ...query, limit: 100 });
    const expected = mine.filter((r) => wanted(r));
    t.ok(expected.length > 0, `${JSON.stringify(query)} has something to find`);
    t.same(found.map((r) => r.id).sort(), expected.map((r) => r.id).sort(), JSON.stringify(query));
  }
  const newest = await searchAll({ limit: 100 });
  t.equal(newest.length, mine.length, 'no filter: everything the office sees');
  for (let i = 1; i < newest.length; i += 1)
    t.ok(newest[i - 1]!.issuedDate >= newest[i]!.issuedDate, 'newest first without q');
});

await t.test('paging: every record once, no duplicates, no gaps', async (t) => {
  const queries: Array<Record<string, string>> = [{}, { q: 'cong tac' }, { q: 'dang bo', type: 'KH' }];
  for (const query of queries) {
    const whole = await searchAll({ ...query, limit: 100 });
    const paged = await searchAll({ ...query, limit: 7 });
    t.ok(whole.length > 7, `${JSON.stringify(query)} spans pages`);
    t.same(
      paged.map((r) => r.id),
      whole.map((r) => r.id),
      `${JSON.stringify(query)} in pages of 7 = in one`,
    );
    t.equal(new Set(paged.map((r) => r.id)).size, paged.length);
  }
  const first = (await search({ limit: 3 })).json<Page>();
  t.equal(first.records.length, 3);
  t.ok(first.nextCursor);
  const other = await search({ limit: 3, q: 'ke hoach', cursor: first.nextCursor! });
  t.equal(other.statusCode, 400, 'a cursor of another search is refused');
  t.equal(other.json<{ code: string }>().code, 'CATALOG_CURSOR_INVALID');
  const foreign = await search({ limit: 3, cursor: first.nextCursor! }, callerOf(namCan, 'office-system'));
  t.equal(foreign.statusCode, 400, "another office's cursor is refused");
});

await t.test('scope: an office sees what it issued or received, and never another office’s', async (t) => {
  const stranger = await searchAll({ limit: 100 }, callerOf('VPTU-OTHER', 'office-system'));
  t.same(stranger, [], 'an office with no records sees none');
  const strangerText = await searchAll({ q: 'dai hoi', limit: 100 }, callerOf('VPTU-OTHER', 'archivist'));
  t.same(strangerText, []);
  const viaFilter = await searchAll({ office: damDoi, limit: 100 }, callerOf('VPTU-OTHER', 'office-system'));
  t.same(viaFilter, [], 'naming another office as a filter does not widen the scope');
  const archivist = await searchAll({ limit: 100 }, callerOf(tanPhu, 'archivist'));
  t.same(
    archivist.map((r) => r.id).sort(),
    sees(tanPhu)
      .map((r) => r.id)
      .sort(),
    "an archivist sees its office's",
  );
  for (const r of archivist) t.ok(r.issuingOffice === tanPhu || r.receivingOffices.includes(tanPhu));
  const hidden = records.find((r) => r.issuingOffice !== tanPhu && !r.receivingOffices.includes(tanPhu))!;
  const shown = records.find((r) => r.receivingOffices.includes(tanPhu))!;
  const one = await app.inject({
    method: 'GET',
    url: `/v1/records/${shown.id}`,
    headers: callerOf(tanPhu, 'archivist'),
  });
  t.equal(one.statusCode, 200, 'a received record is shown to the receiver');
  t.equal(one.json<{ subject: string }>().subject, shown.subject);
  const refused = await app.inject({
    method: 'GET',
    url: `/v1/records/${hidden.id}`,
    headers: callerOf(tanPhu, 'archivist'),
  });
  const absent = await app.inject({
    method: 'GET',
    url: `/v1/records/${corpusId(9999)}`,
    headers: callerOf(tanPhu, 'archivist'),
  });
  t.equal(refused.statusCode, 404, "another office's record is 404");
  t.same(refused.json<{ code: string }>().code, absent.json<{ code: string }>().code, 'as if it did not exist');
  t.equal(refused.json<{ detail: string }>().detail, absent.json<{ detail: string }>().detail);
  for (const odd of ["VP'TU", 'VP\\TU', "'@VPTU-CM'"])
    t.same((await searchRecords(pool, odd, { q: 'ke hoach' }, { limit: 5 })).records, [], `scope ${odd} is one token`);
  const signer = await search({}, callerOf(province, 'signer'));
  t.equal(signer.statusCode, 403, 'a role that does not read the catalog is refused');
  const anonymous = await app.inject({ method: 'GET', url: '/v1/records' });
  t.equal(anonymous.statusCode, 401);
});

await t.test('hostile input: 400 problem+json, nothing disclosed, nothing changed', async (t) => {
  const before = await pool.query('SELECT id, status, subject FROM record ORDER BY id');
  const bad: Array<[Record<string, string | number>, string]> = [
    [{ from: '2026-02-30' }, 'CATALOG_SEARCH_INVALID'],
    [{ from: 'yesterday' }, 'CATALOG_SEARCH_INVALID'],
    [{ to: '2026-13-01' }, 'CATALOG_SEARCH_INVALID'],
    [{ from: '2026-05-01', to: '2026-04-01' }, 'CATALOG_SEARCH_INVALID'],
    [{ limit: 0 }, 'VALIDATION_FAILED'],
    [{ limit: 101 }, 'VALIDATION_FAILED'],
    [{ limit: 'ten' }, 'VALIDATION_FAILED'],
    [{ number: -1 }, 'VALIDATION_FAILED'],
    [{ number: '1 OR 1=1' }, 'VALIDATION_FAILED'],
    [{ q: 'x'.repeat(201) }, 'CATALOG_SEARCH_INVALID'],
    [{ q: 'ke hoach\u0000' }, 'CATALOG_SEARCH_INVALID'],
    [{ symbol: '12-CT/TU\u001b[2J' }, 'CATALOG_SEARCH_INVALID'],
    [{ q: '!!! ... ---' }, 'CATALOG_SEARCH_INVALID'],
    [{ type: 'XX' }, 'VALIDATION_FAILED'],
    [{ office: "VPTU' OR '1" }, 'VALIDATION_FAILED'],
    [{ cursor: 'bm90LWEtY3Vyc29y' }, 'CATALOG_CURSOR_INVALID'],
    [{ cursor: '../../etc/passwd' }, 'CATALOG_CURSOR_INVALID'],
    [
      { q: 'ke hoach', cursor: Buffer.from(`r|${'A'.repeat(12)}|0.5|2026-01-01|${corpusId(1)}`).toString('base64url') },
      'CATALOG_CURSOR_INVALID',
    ],
    [{ unknown: 'x' }, 'VALIDATION_FAILED'],
  ];
  for (const [query, code] of bad) {
    const response = await search(query);
    t.equal(response.statusCode, 400, JSON.stringify(query));
    t.match(response.headers['content-type'], /application\/problem\+json/);
    const problem = response.json<{ code: string; detail?: string }>();
    t.equal(problem.code, code, JSON.stringify(query));
    t.notMatch(response.body, /SELECT|postgres|subject_|offices @>|hoạch|Đảng/i, 'no SQL, table or subject named');
    t.notOk('records' in problem, 'no records');
  }
  for (const status of ["recalled' | '@VPTU-CM", "x' | 'type:QĐ", 'recalled\\', "'"]) {
    const found = await searchAll({ status, limit: 100 });
    t.same(found, [], `status ${status} is one token`);
  }
  const injection = await searchAll({ q: "'; DROP TABLE record; --", limit: 100 });
  t.same(injection, [], 'SQL in q is just words');
  for (const path of ['/v1/records/..%2F..%2Fetc%2Fpasswd', '/v1/records/not-a-uuid', '/v1/records/%00']) {
    const response = await app.inject({ method: 'GET', url: path, headers: callerOf(province, 'archivist') });
    t.ok([400, 404].includes(response.statusCode), `${path}: ${response.statusCode}`);
    t.match(response.headers['content-type'], /application\/problem\+json/);
  }
  const after = await pool.query('SELECT id, status, subject FROM record ORDER BY id');
  t.same(after.rows, before.rows, 'nothing changed');
});

await t.test('the OpenAPI document lists the catalog routes', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(response.statusCode, 200);
  const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
  t.ok(paths.includes('/v1/records'), '/v1/records');
  t.ok(paths.includes('/v1/records/{id}'), '/v1/records/{id}');
});
