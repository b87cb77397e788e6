/**
 * The audit log on the real PostgreSQL: appends chained per office (libs/evidence
 * `verifyAuditChain` holds), concurrent appends that never fork a chain, an append rolled
 * back with its transaction, the table refusing UPDATE, DELETE and TRUNCATE, entries the log
 * does not take, and the routes: the caller's office's chain paged in seq order, its head,
 * archivists only, another office never visible, hostile input a 400 problem+json.
 */
import { verifyAuditChain } from '@lienthong/evidence';
import type { AuditEntry } from '@lienthong/evidence';
import { withTransaction } from '@lienthong/db';
import t from 'tap';
import { appendAudit, readAudit } from '../src/audit/audit-log.ts';
import { archiveForFile, callerOf } from './support.ts';

const { app, pool } = await archiveForFile(t);
const RECORD = '0f8fad5b-d9cb-469f-a165-70867728950e';
const at = new Date('2026-06-01T07:30:00.123Z');

/** Every entry of `office`'s chain, read straight from the table. */
async function chainOf(office: string): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  for (;;) {
    const { entries, more } = await readAudit(pool, office, all.at(-1)?.seq ?? 0, 1000);
    all.push(...entries);
    if (!more) return all;
  }
}

const count = async (office: string): Promise<number> =>
  (await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_entry WHERE office = $1', [office])).rows[0]!
    .n;

await t.test('appends chain entry to entry, per office, and the chain verifies', async (t) => {
  const detail = {
    range: { start: 0, end: 1048575 },
    bytes: 1.5e300,
    small: 1e-7,
    words: 'Kế hoạch tổ chức Đại hội',
    escaped: '"\\\u0000\u001f</script>',
    list: [null, true, false, 0, -1, 'x'],
    '\u20ac': 1,
  };
  const first = await withTransaction(pool, (c) =>
    appendAudit(c, { office: 'VPTU-A', actor: 'system:ingest', action: 'record.ingested', recordId: RECORD }, at),
  );
  const second = await withTransaction(pool, (c) =>
    appendAudit(
      c,
      { office: 'VPTU-A', actor: 'person:archivist-a', action: 'record.original-read', recordId: RECORD, detail },
      at,
    ),
  );
  const other = await withTransaction(pool, (c) =>
    appendAudit(c, { office: 'HU-B', actor: 'person:archivist-b', action: 'record.read' }, at),
  );
  t.same([first.seq, second.seq, other.seq], [1, 2, 1], 'one chain per office, from 1');
  const chain = await chainOf('VPTU-A');
  t.same(
    chain.map((e) => [e.seq, e.action, e.recordId, e.prevHash, e.hash]),
    [
      [1, 'record.ingested', RECORD, null, first.hash],
      [2, 'record.original-read', RECORD, first.hash, second.hash],
    ],
  );
  t.equal(chain[1]!.at, '2026-06-01T07:30:00.123Z', 'the time kept to the millisecond');
  t.same(chain[1]!.detail, detail, 'the detail read back as it was given');
  t.same(verifyAuditChain(chain, { office: 'VPTU-A' }).head, { seq: 2, hash: second.hash });
  t.equal(verifyAuditChain(await chainOf('HU-B'), { office: 'HU-B' }).valid, true);
});

await t.test(
  'concurrent appends never fork a chain: numbered without gaps, each linked to the one before',
  async (t) => {
    const offices = ['C-1', 'C-2', 'C-3'];
    await Promise.all(
      Array.from({ length: 150 }, (_, i) =>
        withTransaction(pool, (c) =>
          appendAudit(c, {
            office: offices[i % 3]!,
            actor: `person:p${i}`,
            action: 'record.read',
            recordId: RECORD,
            detail: { i },
          }),
        ),
      ),
    );
    for (const office of offices) {
      const chain = await chainOf(office);
      t.same(
        chain.map((e) => e.seq),
        Array.from({ length: 50 }, (_, i) => i + 1),
        `${office}: 1–50`,
      );
      t.same(verifyAuditChain(chain, { office }).valid, true, `${office}: the chain holds`);
    }
  },
);

await t.test('an append rolled back with its transaction leaves no entry and no gap', async (t) => {
  await t.rejects(
    withTransaction(pool, async (c) => {
      await appendAudit(c, { office: 'RB-1', actor: 'person:a', action: 'record.read' });
      throw new Error('the effect failed');
    }),
    /the effect failed/,
  );
  t.equal(await count('RB-1'), 0);
  const next = await withTransaction(pool, (c) =>
    appendAudit(c, { office: 'RB-1', actor: 'person:a', action: 'record.read' }),
  );
  t.equal(next.seq, 1);
});

await t.test('the table refuses UPDATE, DELETE and TRUNCATE', async (t) => {
  const before = await chainOf('VPTU-A');
  for (const sql of [
    "UPDATE audit_entry SET actor = 'person:forger' WHERE office = 'VPTU-A' AND seq = 1",
    "DELETE FROM audit_entry WHERE office = 'VPTU-A' AND seq = 2",
  ])
    await t.rejects(pool.query(sql), { code: '42501', message: /append-only/ }, sql);
  // Refused before the trigger is reached: the checkpoints' foreign key names the table.
  await t.rejects(
    pool.query('TRUNCATE audit_entry'),
    { code: '0A000', message: /cannot truncate a table referenced in a foreign key/ },
    'TRUNCATE audit_entry',
  );
  await t.rejects(pool.query('TRUNCATE audit_entry CASCADE'), { code: '42501', message: /append-only/ });
  t.same(await chainOf('VPTU-A'), before, 'nothing changed');
});

await t.test('an entry the log does not take is refused and nothing is written', async (t) => {
  const cases: [string, Parameters<typeof appendAudit>[1]][] = [
    ['an action not in the list', { office: 'BAD-1', actor: 'person:a', action: 'record.deleted' }],
    ['a record id that is not a UUID', { office: 'BAD-1', actor: 'person:a', action: 'record.read', recordId: '../x' }],
    [
      'a detail too large',
      { office: 'BAD-1', actor: 'person:a', action: 'record.read', detail: { x: 'a'.repeat(5000) } },
    ],
    ['a detail not JSON', { office: 'BAD-1', actor: 'person:a', action: 'record.read', detail: { x: new Date() } }],
    ['an actor with a control character', { office: 'BAD-1', actor: 'person:a\n', action: 'record.read' }],
    ['an office that is no code', { office: "BAD'1", actor: 'person:a', action: 'record.read' }],
  ];
  for (const [what, entry] of cases)
    await t.rejects(
      withTransaction(pool, (c) => appendAudit(c, entry)),
      { code: 'AUDIT_ENTRY_INVALID', status: 500 },
      what,
    );
  t.equal(await count('BAD-1'), 0);
});

const archivistA = callerOf('VPTU-A', 'archivist');

await t.test("GET /v1/audit: the caller's office's chain in seq order, paged", async (t) => {
  for (let i = 0; i < 5; i++)
    await withTransaction(pool, (c) =>
      appendAudit(c, { office: 'VPTU-A', actor: 'person:archivist-a', action: 'record.read', recordId: RECORD }),
    );
  const whole = await chainOf('VPTU-A');
  t.equal(whole.length, 7);
  const paged: AuditEntry[] = [];
  let after = 0;
  for (let pages = 0; pages < 10; pages++) {
    const response = await app.inject({ url: `/v1/audit?after=${after}&limit=3`, headers: archivistA });
    t.equal(response.statusCode, 200, response.body);
    const page = response.json<{ office: string; entries: AuditEntry[]; nextAfter: number | null }>();
    t.equal(page.office, 'VPTU-A');
    paged.push(...page.entries);
    if (page.nextAfter === null) break;
    after = page.nextAfter;
  }
  t.same(paged, whole, 'the pages are the chain, every hashed field as kept');
  t.equal(verifyAuditChain(paged, { office: 'VPTU-A' }).valid, true, 'and they verify');
  const named = await app.inject({ url: '/v1/audit?office=VPTU-A', headers: archivistA });
  t.equal(named.json<{ entries: unknown[] }>().entries.length, 7, 'naming its own office is fine');
  const head = await app.inject({ url: '/v1/audit/head', headers: archivistA });
  t.same(head.json(), { office: 'VPTU-A', seq: 7, hash: whole[6]!.hash, at: whole[6]!.at });
  const empty = await app.inject({ url: '/v1/audit/head', headers: callerOf('EMPTY-1', 'archivist') });
  t.same(empty.json(), { office: 'EMPTY-1', seq: 0, hash: null, at: null });
  const none = await app.inject({ url: '/v1/audit', headers: callerOf('EMPTY-1', 'archivist') });
  t.same(none.json(), { office: 'EMPTY-1', entries: [], nextAfter: null });
});

await t.test("another office's log is never visible; only archivists read it", async (t) => {
  const archivistB = callerOf('HU-B', 'archivist');
  const mine = await app.inject({ url: '/v1/audit?limit=1000', headers: archivistB });
  t.same(
    mine.json<{ entries: AuditEntry[] }>().entries.map((e) => e.office),
    ['HU-B'],
    "HU-B's archivist sees HU-B's entries only",
  );
  for (const url of ['/v1/audit?office=VPTU-A', '/v1/audit/head?office=VPTU-A']) {
    const foreign = await app.inject({ url, headers: archivistB });
    t.equal(foreign.statusCode, 403, url);
    t.match(foreign.headers['content-type'], /^application\/problem\+json/);
    t.equal(foreign.json<{ code: string }>().code, 'FORBIDDEN');
    t.notMatch(foreign.body, /VPTU-A.*hash|[0-9a-f]{64}/, 'nothing of the other chain disclosed');
  }
  for (const role of ['registry', 'office-system', 'signer']) {
    const refused = await app.inject({ url: '/v1/audit', headers: callerOf('VPTU-A', role) });
    t.equal(refused.statusCode, 403, role);
    t.equal(refused.json<{ code: string }>().code, 'FORBIDDEN');
  }
  const anonymous = await app.inject({ url: '/v1/audit' });
  t.equal(anonymous.statusCode, 401);
});

await t.test('hostile input is a 400 problem+json and reads nothing', async (t) => {
  for (const query of [
    'after=abc',
    'after=-1',
    'after=1.5',
    'after=99999999999999999999',
    'limit=0',
    'limit=1001',
    'limit=ten',
    'office=..%2Fx',
    'office=VPTU-A%00',
    `office=${'A'.repeat(65)}`,
    'seq=1',
    'after=1;DROP TABLE audit_entry',
  ]) {
    const response = await app.inject({ url: `/v1/audit?${query}`, headers: archivistA });
    t.equal(response.statusCode, 400, query);
    t.match(response.headers['content-type'], /^application\/problem\+json/, query);
    t.equal(response.json<{ code: string }>().code, 'VALIDATION_FAILED', query);
  }
  const head = await app.inject({ url: '/v1/audit/head?after=1', headers: archivistA });
  t.equal(head.statusCode, 400);
  t.equal(await count('VPTU-A'), 7, 'nothing changed');
});

await t.test('the OpenAPI document lists the audit routes', async (t) => {
  const response = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(response.statusCode, 200);
  const paths = Object.keys(response.json<{ paths: Record<string, unknown> }>().paths);
  t.ok(paths.includes('/v1/audit'), '/v1/audit');
  t.ok(paths.includes('/v1/audit/head'), '/v1/audit/head');
});
