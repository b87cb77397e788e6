/**
 * `GET /v1/dispositions`: an office's dispositions, newest proposal first, filtered by state and
 * paged by cursor, on the real PostgreSQL and MinIO; what an approver opens to find the
 * proposals waiting for them. Another office sees none of them; bad states, limits and cursors
 * are 400s; a clerk is refused.
 */
import t from 'tap';
import { packageArchiveForFile, writeTestPackage } from './package-support.ts';
import { authHeader } from '../../../test/support/auth.ts';

const d = await packageArchiveForFile(t, { s3: true });
const { app } = d;

const person = (subject: string, office: string, ...roles: string[]) => authHeader({ subject, office, roles });
const archivist = person('person:luu-tru', 'VPTU-LIST', 'archivist');
const approver = person('person:chanh-van-phong', 'VPTU-LIST', 'archive-approver');

// Due (class ended a minute ago) while the store keeps them locked an hour more: proposals only.
const ended = {
  retentionClass: '5-years',
  retainUntil: new Date(Date.now() - 60_000),
  lockedUntil: new Date(Date.now() + 3_600_000),
  legalHold: false,
};
const records = [];
for (let i = 0; i < 4; i += 1) records.push(await writeTestPackage(d, 'VPTU-LIST', [], { retention: ended }));

const propose = async (recordIds: string[], reason: string) => {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/dispositions',
    headers: archivist,
    payload: { recordIds, reason },
  });
  if (res.statusCode !== 201) throw new Error(`proposing: ${res.statusCode} ${res.body}`);
  return res.json<{ id: string }>().id;
};
const first = await propose([records[0]!.recordId, records[1]!.recordId], 'Hết thời hạn bảo quản (1)');
const second = await propose([records[2]!.recordId], 'Hết thời hạn bảo quản (2)');
const third = await propose([records[3]!.recordId], 'Hết thời hạn bảo quản (3)');
const rejected = await app.inject({
  method: 'POST',
  url: `/v1/dispositions/${second}/reject`,
  headers: approver,
  payload: { reason: 'Còn giá trị tham khảo' },
});
if (rejected.statusCode !== 200) throw new Error(`rejecting: ${rejected.statusCode} ${rejected.body}`);

type Listed = {
  dispositions: Array<{
    id: string;
    state: string;
    recordCount: number;
    proposedBy: string;
    decisionReason: string | null;
  }>;
  nextCursor: string | null;
};
const list = async (query = '', headers: Record<string, string> = archivist) => {
  const res = await app.inject({ method: 'GET', url: `/v1/dispositions${query}`, headers });
  return { status: res.statusCode, body: res.json<Listed>() };
};

void t.test('the office’s dispositions, newest first, with how many records each names', async (t) => {
  const { status, body } = await list();
  t.equal(status, 200);
  t.same(
    body.dispositions.map((x) => [x.id, x.state, x.recordCount]),
    [
      [third, 'proposed', 1],
      [second, 'rejected', 1],
      [first, 'proposed', 2],
    ],
  );
  t.equal(body.dispositions[1]!.decisionReason, 'Còn giá trị tham khảo');
  t.equal(body.nextCursor, null);
  t.notOk('records' in body.dispositions[0]!, 'a summary, not each record');
});

void t.test('by state: what waits for a decision, and several states at once', async (t) => {
  const waiting = await list('?state=proposed', approver);
  t.equal(waiting.status, 200, 'an approver lists them too');
  t.same(
    waiting.body.dispositions.map((x) => x.id),
    [third, first],
  );
  const decided = await list('?state=rejected,done,rejected');
  t.same(
    decided.body.dispositions.map((x) => x.id),
    [second],
  );
});

void t.test('paged by cursor: every disposition once, in order', async (t) => {
  const seen: string[] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: { status: number; body: Listed } = await list(
      `?limit=1${cursor === '' ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    t.equal(page.status, 200);
    t.ok(page.body.dispositions.length <= 1);
    seen.push(...page.body.dispositions.map((x) => x.id));
    cursor = page.body.nextCursor;
    if (seen.length > 5) break;
  }
  t.same(seen, [third, second, first]);
});

void t.test('another office, a clerk, no token: nothing disclosed', async (t) => {
  const foreign = await list('', person('person:luu-tru-khac', 'VPTU-OTHER', 'archivist', 'archive-approver'));
  t.equal(foreign.status, 200);
  t.same(foreign.body.dispositions, [], 'another office lists none of them');
  t.equal((await list('', person('person:van-thu', 'VPTU-LIST', 'registry'))).status, 403);
  const anonymous = await app.inject({ method: 'GET', url: '/v1/dispositions' });
  t.equal(anonymous.statusCode, 401);
});

void t.test('bad states, limits, cursors and parameters are 400 problems', async (t) => {
  const bad = [
    '?state=deleted',
    '?state=proposed,',
    '?state=PROPOSED',
    `?state=${'proposed,'.repeat(20)}proposed`,
    '?limit=0',
    '?limit=201',
    '?limit=ten',
    '?cursor=',
    '?cursor=not-a-cursor',
    `?cursor=${Buffer.from('2026-01-01T00:00:00.000Z|not-a-uuid').toString('base64url')}`,
    `?cursor=${Buffer.from('yesterday|00000000-0000-4000-8000-000000000000').toString('base64url')}`,
    `?cursor=${Buffer.from(`2026-01-01T00:00:00.000Z|${first}|more`).toString('base64url')}`,
    `?cursor=${'A'.repeat(500)}`,
    '?office=VPTU-OTHER',
  ];
  for (const query of bad) {
    const res = await app.inject({ method: 'GET', url: `/v1/dispositions${query}`, headers: archivist });
    t.equal(res.statusCode, 400, query.slice(0, 60));
    t.match(res.headers['content-type'], /application\/problem\+json/);
  }
});
