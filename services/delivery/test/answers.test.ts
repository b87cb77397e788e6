/**
 * The recipient's answers against a real intake (its incoming register over HTTP, with the
 * caller's own token): acceptance gives the số đến and 03, a retry after a failure between
 * intake and the record keeps the number; refusal needs a reason; processing statuses only
 * forwards; the sender's view per recipient with overdue flagged. Hostile input on every
 * route: problem+json 4xx and no state change.
 */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { intakeForFile } from '../../intake/test/support.ts';
import { seedRegisterOffices } from '../../intake/test/register-support.ts';
import { createIntakeClient } from '../src/answers/intake-client.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';

const intake = await intakeForFile(t);
await seedRegisterOffices(intake.pool);
await intake.app.listen({ port: 0, host: '127.0.0.1' });
const intakeUrl = `http://127.0.0.1:${(intake.app.server.address() as AddressInfo).port}`;
const d = await deliveryForFile(t, { env: { LIENTHONG_DELIVERY_INTAKE_URL: intakeUrl } });
const { app, pool } = d;

const data = await issueDocument(d, ['HU-A1', 'HU-B1', 'TU-B', 'VPTU-A'], {
  urgency: 'flash',
  deadline: '2026-03-02T17:00:00+07:00',
});
await publishIssued(d, issuedEnvelope(data));
await waitForConsigned(pool, data.documentId, 4);

type Headers = Record<string, string>;
const call = (
  method: 'GET' | 'POST',
  url: string,
  headers: Headers,
  payload?: unknown,
  contentType = 'application/json',
) =>
  app.inject({
    method,
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': contentType },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
const entryOf = async (office: string): Promise<string> => {
  const res = await call('GET', '/v1/inbox', callerOf(office, 'office-system'));
  return res
    .json<{ entries: { id: string; documentId: string }[] }>()
    .entries.find((e) => e.documentId === data.documentId)!.id;
};
const ids = {
  a1: await entryOf('HU-A1'),
  b1: await entryOf('HU-B1'),
  tub: await entryOf('TU-B'),
  vptu: await entryOf('VPTU-A'),
};
const state = async () =>
  JSON.stringify([
    (await pool.query('SELECT * FROM delivery_leg ORDER BY id')).rows,
    (await pool.query('SELECT count(*) FROM leg_event')).rows,
    (await pool.query('SELECT count(*) FROM outbox')).rows,
    (await intake.pool.query("SELECT office, number FROM register_entry WHERE register = 'incoming' ORDER BY 1, 2"))
      .rows,
  ]);

await t.test('acceptance: the incoming number from intake, then 03; twice is 409', async (t) => {
  const res = await call('POST', `/v1/inbox/${ids.a1}/acceptance`, callerOf('HU-A1', 'registry'));
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: '03', incoming: { number: 1, period: /^\d{4}$/ } });
  const before = await state();
  const again = await call('POST', `/v1/inbox/${ids.a1}/acceptance`, callerOf('HU-A1', 'registry'));
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'DELIVERY_ALREADY_ANSWERED', status: 409, current: '03' });
  t.equal(await state(), before, 'nothing changed');
  const got = await call('GET', `/v1/inbox/${ids.a1}`, callerOf('HU-A1', 'office-system'));
  t.same(
    got.json<{ history: { event: string; code: string | null; by: string }[] }>().history.map((h) => [h.event, h.code]),
    [
      ['submitted', null],
      ['consigned', '01'],
      ['accepted', '03'],
    ],
  );
});

await t.test('a retry after intake numbered it but delivery did not record it: the same number', async (t) => {
  // As if the first try crashed between intake's answer and the record of 03.
  const first = await intake.app.inject({
    method: 'POST',
    url: '/v1/registers/incoming',
    headers: { ...callerOf('HU-B1', 'office-system'), 'content-type': 'application/json' },
    payload: JSON.stringify({
      documentId: data.documentId,
      documentType: 'CT',
      symbol: data.symbol,
      subject: data.subject,
    }),
  });
  t.equal(first.statusCode, 201, first.body);
  const res = await call('POST', `/v1/inbox/${ids.b1}/acceptance`, callerOf('HU-B1', 'office-system'));
  t.equal(res.statusCode, 200, res.body);
  t.equal(res.json<{ incoming: { number: number } }>().incoming.number, first.json<{ number: number }>().number);
});

await t.test('refusal needs a reason; then it is answered', async (t) => {
  const before = await state();
  for (const payload of [{}, { reason: '' }, { reason: ' ' }, { reason: 'x'.repeat(1001) }, { reason: 5 }]) {
    const res = await call('POST', `/v1/inbox/${ids.tub}/refusal`, callerOf('TU-B', 'registry'), payload);
    t.equal(res.statusCode, 400, `${JSON.stringify(payload)}: ${res.body}`);
    t.match(res.headers['content-type'], /problem\+json/);
  }
  t.equal(await state(), before, 'nothing changed');
  const res = await call('POST', `/v1/inbox/${ids.tub}/refusal`, callerOf('TU-B', 'registry'), {
    reason: 'Gửi nhầm nơi nhận',
  });
  t.equal(res.statusCode, 200, res.body);
  t.match(res.json(), { status: '02', refusalReason: 'Gửi nhầm nơi nhận' });
  const accept = await call('POST', `/v1/inbox/${ids.tub}/acceptance`, callerOf('TU-B', 'registry'));
  t.equal(accept.statusCode, 409, 'a refused document cannot be accepted');
  const twice = await call('POST', `/v1/inbox/${ids.tub}/refusal`, callerOf('TU-B', 'registry'), { reason: 'Lần nữa' });
  t.equal(twice.statusCode, 409);
});

await t.test('processing statuses: forwards only', async (t) => {
  const status = (id: string, office: string, body: unknown) =>
    call('POST', `/v1/inbox/${id}/status`, callerOf(office, 'office-system'), body);
  t.equal((await status(ids.a1, 'HU-A1', { status: '05', reason: 'Đang xử lý' })).statusCode, 200);
  const before = await state();
  const back = await status(ids.a1, 'HU-A1', { status: '04' });
  t.equal(back.statusCode, 409);
  t.match(back.json(), { code: 'DELIVERY_TRANSITION_NOT_ALLOWED', current: '05', allowed: ['06'] });
  for (const body of [
    { status: '07' },
    { status: '02' },
    { status: '03' },
    {},
    { status: 5 },
    { status: '06', x: 1 },
  ]) {
    const res = await status(ids.a1, 'HU-A1', body);
    t.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`);
  }
  const refused = await status(ids.tub, 'TU-B', { status: '04' });
  t.equal(refused.statusCode, 409, 'a refused document is not processed');
  const unanswered = await status(ids.vptu, 'VPTU-A', { status: '06' });
  t.equal(unanswered.statusCode, 409, 'processing needs an acceptance first');
  t.equal(await state(), before, 'nothing changed');
  t.equal((await status(ids.a1, 'HU-A1', { status: '06' })).statusCode, 200);
  t.equal((await status(ids.a1, 'HU-A1', { status: '06' })).statusCode, 409, 'completed twice');
  const events = await pool.query<{ n: string }>(
    "SELECT count(*) AS n FROM outbox WHERE topic = $1 AND envelope->'data'->>'deliveryId' = $2",
    [d.topics.statusChanged, ids.a1],
  );
  t.equal(Number(events.rows[0]!.n), 4, 'the sender learnt 01, 03, 05, 06');
});

await t.test('hostile callers and input on every route: problem+json, nothing changed', async (t) => {
  const before = await state();
  const other = callerOf('HU-B1', 'registry');
  const cases: Array<[string, 'GET' | 'POST', string, Headers, unknown, number, string?]> = [
    ["another office's entry", 'GET', `/v1/inbox/${ids.vptu}`, other, undefined, 404, 'INBOX_ENTRY_NOT_FOUND'],
    ["another office's content", 'GET', `/v1/inbox/${ids.vptu}/content`, other, undefined, 404],
    ["accepting another office's", 'POST', `/v1/inbox/${ids.vptu}/acceptance`, other, undefined, 404],
    ["refusing another office's", 'POST', `/v1/inbox/${ids.vptu}/refusal`, other, { reason: 'Không' }, 404],
    ["status of another office's", 'POST', `/v1/inbox/${ids.a1}/status`, other, { status: '06' }, 404],
    ['not an id', 'GET', '/v1/inbox/not-a-uuid', other, undefined, 404],
    ['a signer', 'GET', '/v1/inbox', callerOf('HU-B1', 'signer'), undefined, 403],
    ['a signer answering', 'POST', `/v1/inbox/${ids.b1}/refusal`, callerOf('HU-B1', 'signer'), { reason: 'a' }, 403],
    ['no token', 'GET', '/v1/inbox', {}, undefined, 401],
    ['a bad cursor', 'GET', '/v1/inbox?cursor=abc', other, undefined, 400, 'INBOX_CURSOR_INVALID'],
    ['a forged cursor', 'GET', `/v1/inbox?cursor=${Buffer.from('9.1').toString('base64url')}`, other, undefined, 400],
    ['an unknown status filter', 'GET', '/v1/inbox?status=99', other, undefined, 400],
    ['an unknown parameter', 'GET', '/v1/inbox?office=VPTU-A', other, undefined, 400],
    ['a bad since', 'GET', '/v1/inbox?since=yesterday', other, undefined, 400],
    ['limit 0', 'GET', '/v1/inbox?limit=0', other, undefined, 400],
    ['malformed JSON', 'POST', `/v1/inbox/${ids.vptu}/refusal`, callerOf('VPTU-A', 'registry'), '{"reason":', 400],
    [
      'oversized JSON',
      'POST',
      `/v1/inbox/${ids.vptu}/refusal`,
      callerOf('VPTU-A', 'registry'),
      { reason: 'x'.repeat(2 << 20) },
      413,
    ],
    [
      "another office's delivery",
      'GET',
      '/v1/deliveries/' + '0'.repeat(8) + '-0000-4000-8000-' + '0'.repeat(12),
      callerOf('VPTU-A', 'registry'),
      undefined,
      404,
      'DELIVERY_NOT_FOUND',
    ],
    ['deliveries without document', 'GET', '/v1/deliveries', callerOf('VPTU-A', 'registry'), undefined, 400],
    [
      'deliveries as a signer',
      'GET',
      `/v1/deliveries?document=${data.documentId}`,
      callerOf('VPTU-A', 'signer'),
      undefined,
      403,
    ],
  ];
  for (const [what, method, url, headers, payload, status, code] of cases) {
    const res = await call(method, url, headers, payload);
    t.equal(res.statusCode, status, `${what}: ${res.body.slice(0, 300)}`);
    t.match(res.headers['content-type'], /application\/problem\+json/, what);
    if (code !== undefined) t.equal(res.json<{ code: string }>().code, code, what);
  }
  const form = await call(
    'POST',
    `/v1/inbox/${ids.vptu}/refusal`,
    callerOf('VPTU-A', 'registry'),
    'reason=x',
    'application/x-www-form-urlencoded',
  );
  t.equal(form.statusCode, 415);
  t.equal(await state(), before, 'nothing changed');
});

await t.test("the sender's view: per recipient status and overdue, the issuing office only", async (t) => {
  const sender = callerOf('VPTU-A', 'office-system');
  const list = await call('GET', `/v1/deliveries?document=${data.documentId}`, sender);
  t.equal(list.statusCode, 200, list.body);
  const [delivery] = list.json<{ deliveries: { id: string; counts: unknown }[] }>().deliveries;
  t.match(delivery, { counts: { byStatus: { '01': 1, '02': 1, '03': 1, '06': 1 }, overdue: 1, total: 4 } });
  const one = await call('GET', `/v1/deliveries/${delivery!.id}?limit=2`, sender);
  t.equal(one.statusCode, 200, one.body);
  const page = one.json<{ legs: { recipient: string; status: string; overdue: boolean }[]; nextAfter: string }>();
  t.same(
    page.legs.map((l) => [l.recipient, l.status, l.overdue]),
    [
      ['HU-A1', '06', false],
      ['HU-B1', '03', false],
    ],
  );
  const rest = await call('GET', `/v1/deliveries/${delivery!.id}?after=${page.nextAfter}`, sender);
  t.same(
    rest
      .json<{ legs: { recipient: string; status: string; overdue: boolean }[] }>()
      .legs.map((l) => [l.recipient, l.status, l.overdue]),
    [
      ['TU-B', '02', false],
      ['VPTU-A', '01', true],
    ],
    'the deadline passed without an answer',
  );
  const notSender = await call('GET', `/v1/deliveries?document=${data.documentId}`, callerOf('HU-A1', 'registry'));
  t.same(notSender.json(), { deliveries: [] }, 'a recipient does not see the delivery');
  const notSenderOne = await call('GET', `/v1/deliveries/${delivery!.id}`, callerOf('HU-A1', 'registry'));
  t.equal(notSenderOne.statusCode, 404);
});

await t.test('intake not configured or unreachable: 503, try again', async (t) => {
  const registration = { documentId: data.documentId, documentType: 'CT', symbol: data.symbol, subject: data.subject };
  await t.rejects(createIntakeClient(undefined).registerIncoming('Bearer x', registration), {
    code: 'INTAKE_UNAVAILABLE',
  });
  await t.rejects(createIntakeClient('http://127.0.0.1:1').registerIncoming('Bearer x', registration), {
    code: 'INTAKE_UNAVAILABLE',
  });
  await t.rejects(createIntakeClient(intakeUrl).registerIncoming('Bearer x', registration), {
    code: 'INTAKE_REFUSED',
  });
});
