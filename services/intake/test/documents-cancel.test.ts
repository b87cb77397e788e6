/**
 * Cancelling documents against the real PostgreSQL: an issued document cancelled by either
 * route (the document's, the register's number) ends the same way — cancelled, its register
 * entry cancelled with the reason, one `document.cancelled` with its symbol in the outbox —
 * a document never issued publishes `document.cancelled` without a symbol, and every refusal
 * (twice, another office's, a hostile reason) is a problem+json 4xx with nothing changed.
 */
import t, { type Test } from 'tap';
import { withTransaction } from '@lienthong/db';
import { validateEventData } from '@lienthong/records';
import { authHeader } from '../../../test/support/auth.ts';
import { appendTransition, setDocumentState } from '../src/documents/document-repository.ts';
import { confirmIssued, reserveNumber } from '../src/registers/numbering.ts';
import { metadataOf, plainPdf, seedDirectory, submissionParts, submit, systemA, systemB } from './documents-support.ts';
import { intakeForFile } from './support.ts';

const intake = await intakeForFile(t);
const { app, pool } = intake;
await seedDirectory(intake);

const registryA = authHeader({ subject: 'person:van-thu-a', office: 'VPTU-A', roles: ['registry'] });
const registryB = authHeader({ subject: 'person:van-thu-b', office: 'VPTU-B', roles: ['registry'] });

/** A submitted document of VPTU-A. */
async function submitted(): Promise<string> {
  const res = await submit(intake, submissionParts(metadataOf(), await plainPdf()));
  if (res.statusCode !== 201) throw new Error(res.body);
  return (JSON.parse(res.body) as { id: string }).id;
}

/** A document of VPTU-A as the issue route leaves it (numbered, issued), without signing. */
async function issued(): Promise<string> {
  const id = await submitted();
  await withTransaction(pool, async (c) => {
    const by = 'person:van-thu-a';
    await reserveNumber(c, { office: 'VPTU-A', documentId: id, type: 'CT', date: new Date(), subject: 'Chỉ thị', by });
    await confirmIssued(c, { office: 'VPTU-A', documentId: id, by });
    await setDocumentState(c, id, 'issued');
    await appendTransition(c, id, { from: 'awaiting-signature', to: 'issued', action: 'issue', by });
  });
  return id;
}

const post = (url: string, headers: Record<string, string>, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** What a refusal must leave as it was: documents, transitions, register entries and the outbox. */
async function snapshot(): Promise<string> {
  const d = await pool.query('SELECT id, state FROM document ORDER BY id');
  const tr = await pool.query('SELECT count(*)::int AS n FROM document_transition');
  const r = await pool.query('SELECT document_id, state FROM register_entry ORDER BY document_id');
  const o = await pool.query('SELECT count(*)::int AS n FROM outbox');
  return JSON.stringify([d.rows, tr.rows, r.rows, o.rows]);
}

async function cancelledEvents(id: string) {
  const { rows } = await pool.query<{ key: string; envelope: { type: string; data: Record<string, unknown> } }>(
    `SELECT key, envelope FROM outbox WHERE envelope->>'type' = 'document.cancelled' AND envelope->>'subject' = $1`,
    [id],
  );
  return rows;
}

async function entryOf(id: string) {
  const { rows } = await pool.query<{
    series: string;
    period: string;
    number: number;
    symbol: string;
    state: string;
    cancellation_reason: string | null;
  }>(
    `SELECT series, period, number, symbol, state, cancellation_reason FROM register_entry
     WHERE register = 'outgoing' AND document_id = $1`,
    [id],
  );
  return rows[0]!;
}

async function stateOf(id: string): Promise<string> {
  const res = await app.inject({ method: 'GET', url: `/v1/documents/${id}`, headers: systemA });
  return (JSON.parse(res.body) as { state: string }).state;
}

const cancelUrl = (e: { series: string; period: string; number: number }) =>
  `/v1/registers/outgoing/${e.series}/${e.period}/${e.number}/cancellation`;

/** The end state both routes must leave an issued document in. */
async function checkCancelledIssued(
  t: Test,
  id: string,
  symbol: string,
  registerReason: string,
  eventReason: string,
): Promise<void> {
  t.equal(await stateOf(id), 'cancelled', 'the document is cancelled');
  const entry = await entryOf(id);
  t.equal(entry.state, 'cancelled', 'its number is cancelled in the register');
  t.equal(entry.cancellation_reason, registerReason, 'with the reason');
  const life = await app.inject({ method: 'GET', url: `/v1/documents/${id}/transitions`, headers: systemA });
  t.match((JSON.parse(life.body) as { transitions: unknown[] }).transitions.at(-1), {
    from: 'issued',
    to: 'cancelled',
    action: 'cancel',
    by: 'person:van-thu-a',
  });
  const events = await cancelledEvents(id);
  t.equal(events.length, 1, 'one document.cancelled');
  t.equal(events[0]!.key, 'VPTU-A', 'keyed by the issuing office');
  t.same(Object.keys(events[0]!.envelope.data).sort(), ['cancelledAt', 'documentId', 'office', 'reason', 'symbol']);
  t.match(events[0]!.envelope.data, { documentId: id, office: 'VPTU-A', symbol, reason: eventReason });
  t.ok(validateEventData('document.cancelled', 1, events[0]!.envelope.data).ok, 'valid against libs/records');
  const { rows } = await pool.query(
    `SELECT 1 FROM outbox WHERE envelope->>'type' = 'document.recalled' AND envelope->>'subject' = $1`,
    [id],
  );
  t.equal(rows.length, 0, 'no document.recalled');
}

await t.test('an issued document cancelled: its number cancelled, document.cancelled with its symbol', async (t) => {
  const id = await issued();
  const { symbol } = await entryOf(id);
  const res = await post(`/v1/documents/${id}/cancellation`, registryA, { reason: 'Ban hành nhầm\nđối tượng' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).state, 'cancelled');
  await checkCancelledIssued(t, id, symbol, 'Ban hành nhầm\nđối tượng', 'Ban hành nhầm đối tượng');

  const before = await snapshot();
  const again = await post(`/v1/documents/${id}/cancellation`, registryA, { reason: 'Lần nữa' });
  t.equal(again.statusCode, 409, 'cancelled already');
  t.match(JSON.parse(again.body), { code: 'DOCUMENT_TRANSITION_NOT_ALLOWED', state: 'cancelled' });
  t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8');
  const number = await post(cancelUrl(await entryOf(id)), registryA, { reason: 'Lần nữa' });
  t.equal(number.statusCode, 409, 'its number is cancelled already');
  t.equal(JSON.parse(number.body).code, 'REGISTER_NUMBER_CANCELLED');
  t.equal(await snapshot(), before, 'nothing more');
});

await t.test('the register cancelling an issued number: the same end state', async (t) => {
  const id = await issued();
  const entry = await entryOf(id);
  const res = await post(cancelUrl(entry), registryA, { reason: 'Ban hành nhầm\n  đối tượng' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).state, 'cancelled');
  await checkCancelledIssued(t, id, entry.symbol, 'Ban hành nhầm\n  đối tượng', 'Ban hành nhầm đối tượng');

  const before = await snapshot();
  t.equal((await post(cancelUrl(entry), registryA, { reason: 'Lần nữa' })).statusCode, 409, 'cancelled already');
  t.equal((await post(`/v1/documents/${id}/cancellation`, systemA, { reason: 'Lần nữa' })).statusCode, 409);
  t.equal(await snapshot(), before, 'nothing more');
});

await t.test("a recalled document's number is cancelled as a number; the document stays recalled", async (t) => {
  const id = await issued();
  t.equal((await post(`/v1/documents/${id}/recall`, registryA, { reason: 'Thu hồi' })).statusCode, 200);
  const res = await post(cancelUrl(await entryOf(id)), registryA, { reason: 'Hủy số' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(await stateOf(id), 'recalled');
  t.equal((await cancelledEvents(id)).length, 0, 'no document.cancelled');
});

await t.test('a document never issued: cancelled, document.cancelled without a symbol', async (t) => {
  const id = await submitted();
  const res = await post(`/v1/documents/${id}/cancellation`, systemA, { reason: 'Trùng với văn bản đã gửi' });
  t.equal(res.statusCode, 200, res.body);
  t.equal(JSON.parse(res.body).state, 'cancelled');
  const { rows } = await pool.query('SELECT 1 FROM register_entry WHERE document_id = $1', [id]);
  t.equal(rows.length, 0, 'no register entry');
  const events = await cancelledEvents(id);
  t.equal(events.length, 1);
  t.equal(events[0]!.key, 'VPTU-A');
  t.same(Object.keys(events[0]!.envelope.data).sort(), ['cancelledAt', 'documentId', 'office', 'reason']);
  t.match(events[0]!.envelope.data, { documentId: id, office: 'VPTU-A', reason: 'Trùng với văn bản đã gửi' });
  t.ok(validateEventData('document.cancelled', 1, events[0]!.envelope.data).ok);

  const before = await snapshot();
  const again = await post(`/v1/documents/${id}/cancellation`, systemA, { reason: 'Lần nữa' });
  t.equal(again.statusCode, 409);
  t.equal(await snapshot(), before, 'no second event');
});

await t.test('refusals: problem+json 4xx, nothing changed', async (t) => {
  const id = await issued();
  const draft = await submitted();
  const url = `/v1/documents/${id}/cancellation`;
  const cases: Array<[string, string, Record<string, string>, unknown, number, string?]> = [
    ['another office’s issued', url, systemB, { reason: 'x' }, 404, 'DOCUMENT_NOT_FOUND'],
    ['another office’s draft', `/v1/documents/${draft}/cancellation`, systemB, { reason: 'x' }, 404],
    [
      'another office’s number',
      cancelUrl(await entryOf(id)),
      registryB,
      { reason: 'x' },
      404,
      'REGISTER_ENTRY_NOT_FOUND',
    ],
    ['a reader’s number cancellation', cancelUrl(await entryOf(id)), systemA, { reason: 'x' }, 403, 'FORBIDDEN'],
    ['no reason', url, registryA, {}, 400, 'VALIDATION_FAILED'],
    ['empty reason', url, registryA, { reason: '' }, 400, 'VALIDATION_FAILED'],
    ['a control character', url, registryA, { reason: 'a\u0000b' }, 400, 'BAD_REQUEST'],
    ['a tab', url, registryA, { reason: 'a\tb' }, 400, 'BAD_REQUEST'],
    ['not NFC', url, registryA, { reason: 'Sai so\u0302́' }, 400, 'BAD_REQUEST'],
    ['blank', url, registryA, { reason: ' \n ' }, 400, 'BAD_REQUEST'],
    ['too long', url, registryA, { reason: 'x'.repeat(1001) }, 400, 'VALIDATION_FAILED'],
    ['an extra field', url, registryA, { reason: 'x', symbol: '1-CT/VPTU' }, 400],
    ['not JSON', url, registryA, '{"reason":', 400],
  ];
  const before = await snapshot();
  for (const [name, target, headers, body, status, code] of cases) {
    const res = await post(target, headers, body);
    t.equal(res.statusCode, status, `${name}: ${res.body}`);
    t.match(res.headers['content-type'], /^application\/problem\+json/, name);
    if (code !== undefined) t.equal(JSON.parse(res.body).code, code, name);
  }
  t.equal(await snapshot(), before, 'nothing changed');
});
