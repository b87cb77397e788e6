/**
 * `GET /v1/inbox`: urgent first (Hỏa tốc, Thượng khẩn, Khẩn, then ordinary), newest first
 * within a level; cursor pages that together hold every entry once; filters by status,
 * urgency and arrival time; the cursor of one office is no key to another's inbox.
 */
import t from 'tap';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t);
const { app, pool } = d;
const office = callerOf('DU-A11', 'registry');

const urgencies = ['ordinary', 'urgent', 'ordinary', 'flash', 'very-urgent', 'ordinary', 'urgent'] as const;
const issued: { documentId: string; urgency: string }[] = [];
for (const urgency of urgencies) {
  const data = await issueDocument(d, ['DU-A11', 'DU-A12'], { urgency });
  await publishIssued(d, issuedEnvelope(data));
  await waitForConsigned(pool, data.documentId, 2);
  issued.push({ documentId: data.documentId, urgency });
}
const rank = { flash: 3, 'very-urgent': 2, urgent: 1, ordinary: 0 };
const expected = issued
  .map((e, i) => ({ ...e, i }))
  .sort((a, b) => rank[b.urgency as keyof typeof rank] - rank[a.urgency as keyof typeof rank] || b.i - a.i)
  .map((e) => e.documentId);

interface Page {
  entries: { id: string; documentId: string; urgency: string; status: string }[];
  nextCursor: string | null;
}
const page = async (query: string, headers = office): Promise<Page> => {
  const res = await app.inject({ method: 'GET', url: `/v1/inbox${query}`, headers });
  if (res.statusCode !== 200) throw new Error(res.body);
  return res.json<Page>();
};

await t.test('urgent first, then newest; pages of 2 hold every entry once', async (t) => {
  t.same(
    (await page('')).entries.map((e) => e.documentId),
    expected,
  );
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p: Page = await page(`?limit=2${cursor === null ? '' : `&cursor=${cursor}`}`);
    seen.push(...p.entries.map((e) => e.documentId));
    cursor = p.nextCursor;
    pages += 1;
  } while (cursor !== null);
  t.same(seen, expected, 'the same order, none twice, none missing');
  t.equal(pages, 4);
});

await t.test('filters: urgency, status, since', async (t) => {
  t.same(
    (await page('?urgency=urgent')).entries.map((e) => e.documentId),
    expected.filter((id) => issued.find((e) => e.documentId === id)!.urgency === 'urgent'),
  );
  t.equal((await page('?status=01')).entries.length, urgencies.length);
  t.equal((await page('?status=03')).entries.length, 0);
  t.equal((await page('?since=2999-01-01T00:00:00Z')).entries.length, 0);
  t.equal((await page('?since=2000-01-01T00:00:00Z')).entries.length, urgencies.length);
});

await t.test("another office's cursor opens only the caller's own inbox", async (t) => {
  const first = await page('?limit=3');
  const other = await page(`?limit=100&cursor=${first.nextCursor}`, callerOf('DU-A12', 'office-system'));
  const own = new Set((await page('?limit=100')).entries.map((e) => e.id));
  t.ok(other.entries.length > 0);
  t.ok(
    other.entries.every((e) => !own.has(e.id)),
    'no entry of DU-A11',
  );
});

await t.test('the OpenAPI document lists every route of the service', async (t) => {
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths);
  for (const path of [
    '/v1/inbox',
    '/v1/inbox/stream',
    '/v1/inbox/{id}',
    '/v1/inbox/{id}/content',
    '/v1/inbox/{id}/acceptance',
    '/v1/inbox/{id}/refusal',
    '/v1/inbox/{id}/status',
    '/v1/deliveries',
    '/v1/deliveries/{id}',
  ])
    t.ok(paths.includes(path), path);
});
