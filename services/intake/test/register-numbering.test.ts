/**
 * The numbering layer against the real PostgreSQL (issue 16's check): 1,000 concurrent
 * issues across 5 offices and 3 series give every document one number, each series exactly
 * 1..N, no deadlock, one `document.issued` per document; a repeated or concurrent request
 * of one document gets its number again; rollbacks and a process killed while holding the
 * counter leave no gap; a cancelled number stays in the register and is never reused.
 */
import t from 'tap';
import { createPool, withTransaction } from '@lienthong/db';
import { testEnv } from '../../../test/support/env.ts';
import { cancelNumber, confirmIssued, reserveNumber } from '../src/registers/numbering.ts';
import { storeSeriesConfig } from '../src/registers/series-config.ts';
import { intakeForFile } from './support.ts';
import {
  issuedEvents,
  issueFlow,
  numbersBySeries,
  oneTo,
  registerOffices,
  request,
  seedRegisterOffices,
} from './register-support.ts';

const { pool, schema } = await intakeForFile(t);
await seedRegisterOffices(pool);

// The five offices' counters are shared with the tests below, so each test numbers in periods of its own.
const at = (year: number) => new Date(`${year}-05-04T03:00:00Z`);

await t.test('1,000 concurrent issues, 5 offices × 3 series: each series 1..N, one event each', async (t) => {
  const types = ['CT', 'NQ', 'QĐ', 'QĐi'];
  const requests = oneTo(1000).map((i) =>
    request(registerOffices[i % 5]!, types[(i * 7) % 4]!, { date: at(2030), subject: `Văn bản số ${i}` }),
  );
  // One in ten is asked for twice at the same time (a retried request).
  const calls = [...requests, ...requests.filter((_, i) => i % 10 === 0)];
  // 1,100 flows queue for ten connections: on a loaded machine the last wait longer than the
  // pool's 5 s connect timeout, which is not what this test is about.
  const queued = createPool({ url: testEnv.databaseUrl, schema, maxConnections: 10 }, { connectionTimeoutMs: 300_000 });
  t.teardown(() => queued.end());
  const results = await Promise.all(calls.map((req) => issueFlow(queued, req)));
  t.equal(results.length, 1100, 'no request failed (a deadlock would have thrown: no retries)');

  const bySeries = await numbersBySeries(pool);
  t.equal(bySeries.size, 15, '5 offices × 3 series (QĐi shares QĐ)');
  let total = 0;
  for (const [key, numbers] of bySeries) {
    t.same(numbers, oneTo(numbers.length), `${key}: exactly 1..${numbers.length}`);
    total += numbers.length;
  }
  t.equal(total, 1000, 'each document one number');

  const symbols = new Map<string, string>();
  calls.forEach((req, i) => {
    const before = symbols.get(req.documentId);
    if (before !== undefined) t.equal(results[i]!.symbol, before, 'a repeated request got the same number');
    symbols.set(req.documentId, results[i]!.symbol);
  });
  t.equal(results.filter((r) => r.published).length, 1000, 'published once per document');
  const events = await issuedEvents(pool);
  t.equal(events.size, 1000);
  t.ok(
    [...events.values()].every((n) => n === 1),
    'exactly one document.issued per document',
  );
  const { rows } = await pool.query("SELECT count(*)::int AS n FROM register_entry WHERE state <> 'issued'");
  t.equal(rows[0].n, 0, 'every number issued');
});

await t.test('the symbol: the document’s type and the office’s abbreviation, two digits', async (t) => {
  const first = await withTransaction(pool, (c) => reserveNumber(c, request('VPTU-A', 'QĐi', { date: at(2031) })));
  t.match(first, { series: 'QĐ', period: '2031', number: 1, symbol: '01-QĐi/VPTU', isNew: true });
  const second = await withTransaction(pool, (c) => reserveNumber(c, request('VPTU-A', 'QĐ', { date: at(2031) })));
  t.equal(second.symbol, '02-QĐ/VPTU', 'quy định and quyết định share one series');
  const local = await withTransaction(pool, (c) =>
    reserveNumber(c, request('VPTU-A', 'QĐ', { date: new Date('2031-12-31T17:00:00Z') })),
  );
  t.match(local, { period: '2032', number: 1 }, '00:00 on 1 January in UTC+7 is the next year');
});

await t.test('idempotent: the same document asked again, even at once, gets the same number', async (t) => {
  const req = request('TU-B', 'CT', { date: at(2033) });
  const answers = await Promise.all(
    oneTo(20).map(() => withTransaction(pool, (c) => reserveNumber(c, req), { retries: 0 })),
  );
  t.same(new Set(answers.map((a) => a.symbol)), new Set(['01-CT/TU']));
  t.equal(answers.filter((a) => a.isNew).length, 1, 'one of them took it');
  const later = await withTransaction(pool, (c) =>
    reserveNumber(c, { ...req, date: at(2034), type: 'NQ', subject: 'Khác' }),
  );
  t.match(later, { symbol: '01-CT/TU', period: '2033', isNew: false }, 'the first request’s number, whatever asks now');
  const next = await withTransaction(pool, (c) => reserveNumber(c, request('TU-B', 'CT', { date: at(2033) })));
  t.equal(next.number, 2, 'no number was spent on the repeats');
  const elsewhere = withTransaction(pool, (c) => reserveNumber(c, { ...req, office: 'TU-A' }));
  await t.rejects(elsewhere, { code: 'REGISTER_DOCUMENT_ELSEWHERE' });
});

await t.test('a transaction that reserved then rolled back leaves no gap', async (t) => {
  const failed = withTransaction(pool, async (c) => {
    await reserveNumber(c, request('HU-A1', 'NQ', { date: at(2035) }));
    throw new Error('the caller failed after reserving');
  });
  await t.rejects(failed, /the caller failed/);
  const next = await withTransaction(pool, (c) => reserveNumber(c, request('HU-A1', 'NQ', { date: at(2035) })));
  t.equal(next.number, 1, 'the number came back with the rollback');
  const { rows } = await pool.query(
    "SELECT count(*)::int AS n FROM register_audit WHERE action = 'reserved' AND period = '2035'",
  );
  t.equal(rows[0].n, 1, 'and so did its audit line');
});

await t.test('cancelled: kept in the register with reason and who, audited, never given again', async (t) => {
  const req = request('HU-B1', 'CT', { date: at(2036) });
  const first = await issueFlow(pool, req);
  t.equal(first.symbol, '01-CT/HU');
  const cancelled = await withTransaction(pool, (c) =>
    cancelNumber(c, {
      office: 'HU-B1',
      series: 'CT',
      period: '2036',
      number: 1,
      reason: 'Văn bản ban hành nhầm',
      by: 'person:van-thu',
    }),
  );
  t.match(cancelled, { state: 'cancelled', cancellation: { reason: 'Văn bản ban hành nhầm', by: 'person:van-thu' } });
  const next = await issueFlow(pool, request('HU-B1', 'CT', { date: at(2036) }));
  t.equal(next.symbol, '02-CT/HU', 'the cancelled number is not given again');
  await t.rejects(
    withTransaction(pool, (c) => reserveNumber(c, req)),
    { code: 'REGISTER_NUMBER_CANCELLED' },
    'nor given to its document again',
  );
  await t.rejects(
    withTransaction(pool, (c) => confirmIssued(c, { office: 'HU-B1', documentId: req.documentId, by: 'x' })),
    { code: 'REGISTER_NUMBER_CANCELLED' },
  );
  const again = withTransaction(pool, (c) =>
    cancelNumber(c, { office: 'HU-B1', series: 'CT', period: '2036', number: 1, reason: 'lần nữa', by: 'x' }),
  );
  await t.rejects(again, { code: 'REGISTER_NUMBER_CANCELLED' });
  const { rows } = await pool.query<{ action: string; actor: string; reason: string | null }>(
    "SELECT action, actor, reason FROM register_audit WHERE office = 'HU-B1' AND period = '2036' ORDER BY id",
  );
  t.same(
    rows.map((r) => r.action),
    ['reserved', 'issued', 'cancelled', 'reserved', 'issued'],
  );
  t.match(rows[2], { actor: 'person:van-thu', reason: 'Văn bản ban hành nhầm' });
});

await t.test('the database refuses to remove or renumber an entry, or to rewrite the audit', async (t) => {
  await t.rejects(pool.query("DELETE FROM register_entry WHERE period = '2036'"), /append-only/);
  await t.rejects(
    pool.query("UPDATE register_entry SET number = number + 100 WHERE period = '2036'"),
    /keeps its number/,
  );
  await t.rejects(
    pool.query("UPDATE register_entry SET state = 'issued' WHERE state = 'cancelled'"),
    /stays cancelled/,
  );
  await t.rejects(pool.query('DELETE FROM register_audit'), /append-only/);
  await t.rejects(pool.query("UPDATE register_audit SET reason = 'x'"), /append-only/);
});

await t.test('refused before a number is spent', async (t) => {
  const refusals: [string, ReturnType<typeof request>, string][] = [
    ['an unknown type', request('TU-A', 'XX', { date: at(2037) }), 'RECORDS_DOCUMENT_TYPE_UNKNOWN'],
    ['Ð for Đ', request('TU-A', 'ÐA', { date: at(2037) }), 'RECORDS_DOCUMENT_TYPE_UNKNOWN'],
    ['an office not in the directory', request('NOWHERE', 'CT', { date: at(2037) }), 'REGISTER_OFFICE_UNKNOWN'],
    ['a retired office', request('DU-OLD', 'CT', { date: at(2037) }), 'REGISTER_OFFICE_UNKNOWN'],
    ['a document id that is not a UUID', request('TU-A', 'CT', { documentId: "1' OR 1=1" }), 'BAD_REQUEST'],
    ['an invalid date', request('TU-A', 'CT', { date: new Date('nonsense') }), 'BAD_REQUEST'],
    ['a subject with a direction override', request('TU-A', 'CT', { subject: 'Chỉ thị \u202E' }), 'BAD_REQUEST'],
    ['an empty subject', request('TU-A', 'CT', { subject: '' }), 'BAD_REQUEST'],
    ['an unknown secrecy level', request('TU-A', 'CT', { secrecy: 'Mật' }), 'BAD_REQUEST'],
  ];
  for (const [what, req, code] of refusals)
    await t.rejects(
      withTransaction(pool, (c) => reserveNumber(c, req)),
      { code },
      what,
    );
  const next = await withTransaction(pool, (c) => reserveNumber(c, request('TU-A', 'CT', { date: at(2037) })));
  t.equal(next.number, 1, 'nothing was spent');
  await t.rejects(
    withTransaction(pool, (c) => confirmIssued(c, { office: 'TU-A', documentId: 'not-a-uuid', by: 'x' })),
    { code: 'REGISTER_ENTRY_NOT_FOUND' },
  );
});

await t.test('numbering outside a transaction is refused before anything is written', async (t) => {
  const client = await pool.connect();
  t.teardown(() => client.release());
  const req = request('TU-A', 'TB', { date: at(2038) });
  await t.rejects(reserveNumber(client, req), /inside the caller’s transaction/);
  await t.rejects(confirmIssued(client, { office: 'TU-A', documentId: req.documentId, by: 'x' }), /BEGIN first/);
  const { rows } = await pool.query("SELECT count(*)::int AS n FROM register_series WHERE period = '2038'");
  t.equal(rows[0].n, 0);
});

await t.test(
  'the state rule: secret documents in a series of their own; the Party rule: they continue it',
  async (t) => {
    await storeSeriesConfig(pool, 'HU-B1', { period: { kind: 'year' }, secretSeries: 'MẬT' }, 'person:van-thu');
    const reserve = (office: string, secrecy: string) =>
      withTransaction(pool, (c) => reserveNumber(c, request(office, 'CV', { date: at(2039), secrecy })));
    t.match(await reserve('HU-B1', 'ordinary'), { series: 'CV', symbol: '01-CV/HU' });
    t.match(await reserve('HU-B1', 'confidential'), { series: 'MẬT', number: 1, symbol: '01-CV/HU' });
    t.match(await reserve('HU-B1', 'confidential'), { series: 'MẬT', number: 2 });
    t.match(await reserve('HU-A1', 'confidential'), { series: 'CV', number: 1 }, 'the default: the same series');
    t.match(await reserve('HU-A1', 'ordinary'), { series: 'CV', number: 2 });
  },
);
