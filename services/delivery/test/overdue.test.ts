/**
 * Overdue answers on the real PostgreSQL: a deadline passed with no answer is noted once per
 * unanswered leg — an `overdue` history entry by the service at the deadline and one
 * `delivery.status-changed` with `overdueSince` in the outbox — none for a leg answered;
 * sweepers at once, and sweeping again as a restarted process would, note nothing twice.
 * The sender's view, the inbox entry, the overdue filters and the gauge; the sweep's timer and
 * what the sender's webhook is told. The clock is passed in and the sweep called directly;
 * the app's own timer is set far off.
 */
import t from 'tap';
import { waitFor } from '../../../test/support/env.ts';
import { sweepOverdue } from '../src/deliveries/overdue.ts';
import { startOverdueSweep } from '../src/deliveries/overdue-sweep.ts';
import { statusChangedWebhook } from '../src/webhooks/webhook-events.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const d = await deliveryForFile(t, { env: { LIENTHONG_DELIVERY_OVERDUE_SWEEP_MS: '3600000' } });
const { app, pool, topics } = d;

const deadline = new Date('2026-03-02T10:00:00.000Z');
const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'TU-B', 'VPTU-A'], {
  urgency: 'flash',
  deadline: deadline.toISOString(),
});
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 4);
// A document of the same sender without a deadline: never overdue.
const open = await issueDocument(d, ['HU-A1']);
await publishIssued(d, issuedEnvelope(open));
await waitForConsigned(pool, open.documentId, 1);

type Headers = Record<string, string>;
const call = (method: 'GET' | 'POST', url: string, headers: Headers, payload?: unknown) =>
  app.inject({
    method,
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
  });
const sender = callerOf('VPTU-A', 'registry');

const { rows: legRows } = await pool.query<{ id: string; recipient: string }>(
  `SELECT l.id, l.recipient FROM delivery_leg l JOIN delivery d ON d.id = l.delivery_id WHERE d.document_id = $1`,
  [data.documentId],
);
const legOf = new Map(legRows.map((r) => [r.recipient, r.id]));
const deliveryId = (
  await pool.query<{ id: string }>('SELECT id FROM delivery WHERE document_id = $1', [data.documentId])
).rows[0]!.id;

/** The overdue history entries per recipient, and the overdue events in the outbox per leg. */
async function noted(): Promise<{ history: Map<string, number>; events: Map<string, number> }> {
  const history = await pool.query<{ recipient: string; n: string }>(
    `SELECT l.recipient, count(*) AS n FROM leg_event e JOIN delivery_leg l ON l.id = e.leg_id
     WHERE e.event = 'overdue' GROUP BY l.recipient`,
  );
  const events = await pool.query<{ leg: string; n: string }>(
    `SELECT envelope->>'subject' AS leg, count(*) AS n FROM outbox
     WHERE envelope->>'type' = 'delivery.status-changed' AND envelope->'data'->>'overdueSince' IS NOT NULL
     GROUP BY 1`,
  );
  return {
    history: new Map(history.rows.map((r) => [r.recipient, Number(r.n)])),
    events: new Map(events.rows.map((r) => [r.leg, Number(r.n)])),
  };
}

async function gauge(): Promise<number> {
  const res = await app.inject({ method: 'GET', url: '/metrics' });
  const line = res.body.split('\n').find((l) => l.startsWith('lienthong_delivery_overdue_legs'));
  // One line, `{service="delivery"}` its default label: a total, not per office.
  return Number(line?.split(' ').at(-1));
}

await t.test('TU-B refuses in time: an answer, never overdue', async (t) => {
  const res = await call('POST', `/v1/inbox/${legOf.get('TU-B')}/refusal`, callerOf('TU-B', 'registry'), {
    reason: 'Không thuộc thẩm quyền',
  });
  t.equal(res.statusCode, 200);
});

await t.test('before the deadline the sweep notes nothing', async (t) => {
  t.equal(await sweepOverdue(pool, topics, new Date(deadline.getTime() - 60_000)), 0);
  t.equal(await sweepOverdue(pool, topics, deadline), 0, 'at the deadline itself, not yet');
  t.equal((await noted()).history.size, 0);
  t.equal(await gauge(), 0);
});

await t.test('past the deadline: three sweepers at once note each unanswered leg once', async (t) => {
  const at = new Date(deadline.getTime() + 3_600_000);
  // Batches of one, so the sweepers contend for the same legs (SKIP LOCKED and the re-check).
  const sweeper = async () => {
    let total = 0;
    for (let n = 1; n > 0; total += n) n = await sweepOverdue(pool, topics, at, 1);
    return total;
  };
  const counts = await Promise.all([sweeper(), sweeper(), sweeper()]);
  t.equal(
    counts.reduce((a, b) => a + b, 0),
    3,
    'HU-A1, HU-B1, VPTU-A',
  );
  const { history, events } = await noted();
  t.same(Object.fromEntries(history), { 'HU-A1': 1, 'HU-B1': 1, 'VPTU-A': 1 }, 'one history entry each, none for TU-B');
  t.same(
    Object.fromEntries(events),
    Object.fromEntries(['HU-A1', 'HU-B1', 'VPTU-A'].map((r) => [legOf.get(r), 1])),
    'one event each',
  );
  const { rows } = await pool.query<{ data: Record<string, unknown> }>(
    `SELECT envelope->'data' AS data FROM outbox WHERE envelope->>'subject' = $1 AND envelope->'data'->>'overdueSince' IS NOT NULL`,
    [legOf.get('HU-A1')],
  );
  t.match(rows[0]!.data, {
    deliveryId: legOf.get('HU-A1'),
    documentId: data.documentId,
    sender: 'VPTU-A',
    recipient: 'HU-A1',
    status: '01',
    at: deadline.toISOString(),
    overdueSince: deadline.toISOString(),
  });
});

await t.test('sweeping again, later, as a restarted process would: nothing new', async (t) => {
  t.equal(await sweepOverdue(pool, topics, new Date(deadline.getTime() + 86_400_000)), 0);
  const { history, events } = await noted();
  t.same([...history.values()], [1, 1, 1]);
  t.same([...events.values()], [1, 1, 1]);
});

await t.test('the history and the inbox entry show it', async (t) => {
  const res = await call('GET', `/v1/inbox/${legOf.get('HU-A1')}`, callerOf('HU-A1', 'registry'));
  const body = res.json<{ entry: { overdueSince: string | null }; history: Record<string, unknown>[] }>();
  t.equal(body.entry.overdueSince, deadline.toISOString());
  t.match(body.history.at(-1), {
    event: 'overdue',
    code: '01',
    at: deadline.toISOString(),
    by: 'system:delivery',
    detail: { notedAt: new Date(deadline.getTime() + 3_600_000).toISOString() },
  });
  t.type(body.history.at(-1)!.eventId, 'string');
});

await t.test("the sender's view, its filters and the gauge", async (t) => {
  const view = await call('GET', `/v1/deliveries/${deliveryId}`, sender);
  t.same(
    view
      .json<{ legs: { recipient: string; overdueSince: string | null }[] }>()
      .legs.map((l) => [l.recipient, l.overdueSince]),
    [
      ['HU-A1', deadline.toISOString()],
      ['HU-B1', deadline.toISOString()],
      ['TU-B', null],
      ['VPTU-A', deadline.toISOString()],
    ],
  );
  const only = await call('GET', `/v1/deliveries/${deliveryId}?overdue=true`, sender);
  t.same(
    only.json<{ legs: { recipient: string }[] }>().legs.map((l) => l.recipient),
    ['HU-A1', 'HU-B1', 'VPTU-A'],
  );
  const list = await call('GET', '/v1/deliveries?overdue=true', sender);
  t.equal(list.statusCode, 200);
  t.same(
    list.json<{ deliveries: { id: string }[] }>().deliveries.map((x) => x.id),
    [deliveryId],
    'the deadline-less delivery is not listed',
  );
  const other = await call('GET', '/v1/deliveries?overdue=true', callerOf('HU-A1', 'registry'));
  t.same(other.json(), { deliveries: [] }, "another office's overdue legs are not listed");
  t.equal(await gauge(), 3);

  // A late answer: the leg is no longer waiting; its overdueSince stays, as its history does.
  const late = await call('POST', `/v1/inbox/${legOf.get('HU-B1')}/refusal`, callerOf('HU-B1', 'registry'), {
    reason: 'Không thuộc thẩm quyền',
  });
  t.equal(late.statusCode, 200);
  t.equal(await gauge(), 2);
  const after = await call('GET', `/v1/deliveries/${deliveryId}?overdue=true`, sender);
  t.same(
    after.json<{ legs: { recipient: string }[] }>().legs.map((l) => l.recipient),
    ['HU-A1', 'VPTU-A'],
  );
});

await t.test('the list takes a document or overdue=true, not both nor neither', async (t) => {
  for (const query of ['', `?document=${data.documentId}&overdue=true`, '?overdue=false']) {
    const res = await call('GET', `/v1/deliveries${query}`, sender);
    t.equal(res.statusCode, 400, query);
  }
});

await t.test("the sweep's timer notes a new overdue leg, and stops on close", async (t) => {
  const late = await issueDocument(d, ['TU-C'], { deadline: deadline.toISOString() });
  await publishIssued(d, issuedEnvelope(late));
  await waitForConsigned(pool, late.documentId, 1);
  const sweep = startOverdueSweep({
    pool,
    topics,
    intervalMs: 10,
    logger: { error: (...args: unknown[]) => t.fail(`sweep failed: ${JSON.stringify(args)}`) },
    now: () => new Date(deadline.getTime() + 60_000),
  });
  await waitFor('TU-C noted overdue', async () => (await noted()).history.get('TU-C') === 1);
  await sweep.close();
  t.equal(await gauge(), 3, 'HU-A1, VPTU-A and TU-C');
});

await t.test("the sender's webhook is told overdueSince", async (t) => {
  const hook = statusChangedWebhook(
    {
      deliveryId: legOf.get('HU-A1')!,
      documentId: data.documentId,
      sender: 'VPTU-A',
      recipient: 'HU-A1',
      status: '01',
      at: deadline.toISOString(),
      overdueSince: deadline.toISOString(),
    },
    { id: deliveryId, symbol: data.symbol, urgency: 'flash' },
  );
  t.match(hook, {
    office: 'VPTU-A',
    type: 'delivery.status-changed',
    occurredAt: deadline,
    data: { status: '01', overdueSince: deadline.toISOString() },
  });
});
