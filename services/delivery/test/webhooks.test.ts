/**
 * Webhooks against the real PostgreSQL and Kafka: an office registers (the secret shown
 * once), a document consigned to its inbox reaches its receiver signed, a receiver answering
 * 500 then 200 gets the same id twice, a forged request gets 400 from the receiver and
 * changes nothing there; rotation signs with both secrets; failures are listed and sent
 * again by hand; 410 turns the webhook off; the sender hears its recipients' answers;
 * hostile registrations are 4xx with no state change.
 */
import t from 'tap';
import { signWebhook } from '@lienthong/delivery/webhook-verify';
import { waitFor } from '../../../test/support/env.ts';
import {
  callerOf,
  deliveryForFile,
  issueDocument,
  issuedEnvelope,
  publishIssued,
  waitForConsigned,
} from './support.ts';
import { startReceiver } from './webhook-receiver.ts';

const receiver = await startReceiver();
t.teardown(() => receiver.close());
const d = await deliveryForFile(t, {
  bus: 'kafka',
  env: {
    LIENTHONG_DELIVERY_WEBHOOK_KEY: 'test-webhook-key-of-at-least-32-characters',
    LIENTHONG_DELIVERY_WEBHOOK_ALLOW_PRIVATE: 'true',
    LIENTHONG_DELIVERY_WEBHOOK_RETRY_MIN_MS: '20',
    LIENTHONG_DELIVERY_WEBHOOK_RETRY_MAX_MS: '50',
    LIENTHONG_DELIVERY_WEBHOOK_MAX_ATTEMPTS: '3',
    LIENTHONG_DELIVERY_WEBHOOK_POLL_MS: '20',
    LIENTHONG_DELIVERY_WEBHOOK_TIMEOUT_MS: '5000',
  },
});
const { app, pool } = d;

const call = (
  method: 'GET' | 'PUT' | 'POST' | 'DELETE',
  url: string,
  office: string,
  payload?: unknown,
  role = 'office-system',
) =>
  app.inject({
    method,
    url,
    headers: { ...callerOf(office, role), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? payload : JSON.stringify(payload) }),
  });
const state = async () =>
  JSON.stringify([
    (await pool.query('SELECT office, url, events, secret, enabled, updated_at FROM webhook ORDER BY office')).rows,
    (await pool.query('SELECT count(*) FROM webhook_delivery')).rows,
  ]);
const register = async (office: string, path: string, events?: string[]) => {
  const res = await call('PUT', '/v1/webhooks/self', office, {
    url: receiver.url(path),
    ...(events ? { events } : {}),
  });
  const secret = res.json<{ secret?: string }>().secret;
  if (secret !== undefined) receiver.secrets.set(path, [secret]);
  return res;
};
const send = async (deliverTo: string[]) => {
  const data = await issueDocument(d, deliverTo, { urgency: 'urgent' });
  await publishIssued(d, issuedEnvelope(data));
  await waitForConsigned(pool, data.documentId, deliverTo.length);
  return data;
};
const eventsAt = (path: string) => [...receiver.events.values()].filter((e) => e.path === path);

await t.test('hostile registrations: a clear 4xx and nothing stored', async (t) => {
  const before = await state();
  t.equal((await call('GET', '/v1/webhooks/self', 'HU-A1')).statusCode, 404);
  const cases: Array<[unknown, number, string?]> = [
    [{ url: 'ftp://office.example.vn/x' }, 400, 'WEBHOOK_URL_REFUSED'],
    [{ url: 'http://office.example.vn/x' }, 400, 'WEBHOOK_URL_REFUSED'],
    [{ url: 'https://user:pw@office.example.vn/x' }, 400, 'WEBHOOK_URL_REFUSED'],
    [{ url: 'https://office.example.vn/x#f' }, 400, 'WEBHOOK_URL_REFUSED'],
    [{ url: 'not a url' }, 400, 'WEBHOOK_URL_REFUSED'],
    [{ url: `https://office.example.vn/${'a'.repeat(2100)}` }, 400],
    [{ url: 'https://office.example.vn/x', events: ['everything'] }, 400],
    [{ url: 'https://office.example.vn/x', events: [] }, 400],
    [{ url: 'https://office.example.vn/x', office: 'HU-B1' }, 400],
    [{ url: 5 }, 400],
    ['{"url":', 400],
    [{ url: 'https://office.example.vn/x', pad: 'x'.repeat(9000) }, 413],
  ];
  for (const [payload, status, code] of cases) {
    const res = await call('PUT', '/v1/webhooks/self', 'HU-A1', payload);
    t.equal(res.statusCode, status, `${JSON.stringify(payload).slice(0, 80)}: ${res.body.slice(0, 200)}`);
    t.match(res.headers['content-type'], /problem\+json/);
    if (code !== undefined) t.equal(res.json<{ code: string }>().code, code);
  }
  const signer = await call('PUT', '/v1/webhooks/self', 'HU-A1', { url: receiver.url('/a1') }, 'signer');
  t.equal(signer.statusCode, 403);
  const anonymous = await app.inject({ method: 'GET', url: '/v1/webhooks/self' });
  t.equal(anonymous.statusCode, 401);
  t.equal(await state(), before, 'nothing changed');
});

await t.test('registration: the secret once; another office sees nothing of it', async (t) => {
  const created = await register('HU-A1', '/a1');
  t.equal(created.statusCode, 201, created.body);
  t.match(created.json(), { office: 'HU-A1', events: ['inbox.document-arrived'], enabled: true, secret: /^whsec_/ });
  const shown = await call('GET', '/v1/webhooks/self', 'HU-A1');
  t.equal(shown.statusCode, 200);
  t.notOk('secret' in shown.json(), 'never shown again');
  const again = await call('PUT', '/v1/webhooks/self', 'HU-A1', { url: receiver.url('/a1') }, 'registry');
  t.equal(again.statusCode, 200);
  t.notOk('secret' in again.json(), 'a change keeps the secret and does not show it');
  const { rows } = await pool.query<{ secret: Buffer }>('SELECT secret FROM webhook');
  t.notOk(rows[0]!.secret.includes(Buffer.from(receiver.secrets.get('/a1')![0]!)), 'sealed at rest');
  t.equal((await call('GET', '/v1/webhooks/self', 'HU-B1')).statusCode, 404);
  t.equal((await call('DELETE', '/v1/webhooks/self', 'HU-B1')).statusCode, 404);
  t.equal((await call('GET', '/v1/webhooks/self', 'HU-A1')).statusCode, 200, "A's webhook is still there");
});

await t.test('a document in the inbox: one signed webhook, verified by the receiver', async (t) => {
  const data = await send(['HU-A1', 'HU-B1']);
  await waitFor('the webhook', () => eventsAt('/a1').length === 1, 30_000);
  const [event] = eventsAt('/a1');
  t.match(event!.body, {
    type: 'inbox.document-arrived',
    data: {
      documentId: data.documentId,
      symbol: data.symbol,
      urgency: 'urgent',
      status: '01',
      links: { entry: /^\/v1\/inbox\//, content: /\/content$/ },
    },
  });
  const got = receiver.received.find((r) => r.path === '/a1')!;
  t.equal(got.headers['webhook-id'], event!.body.id, 'the header id is the body id');
  t.equal(receiver.received.filter((r) => r.path !== '/a1').length, 0, 'no webhook for an office without one');
  // The receiver has answered; the outcome is recorded just after.
  const listDelivered = () => call('GET', '/v1/webhooks/self/deliveries?state=delivered', 'HU-A1');
  await waitFor(
    'the outcome recorded',
    async () => (await listDelivered()).json<{ deliveries: unknown[] }>().deliveries.length === 1,
  );
  const listed = await listDelivered();
  t.match(listed.json(), { deliveries: [{ id: event!.body.id, state: 'delivered', attempts: 1, lastStatus: 200 }] });
});

await t.test('a forged webhook: the receiver answers 400 and keeps nothing', async (t) => {
  const before = receiver.events.size;
  const body = JSON.stringify({ id: 'forged-1', type: 'inbox.document-arrived', data: {} });
  const forged = signWebhook({
    id: 'forged-1',
    at: new Date(),
    body,
    secrets: [`whsec_${Buffer.alloc(32, 7).toString('base64')}`],
  });
  const res = await fetch(receiver.url('/a1'), { method: 'POST', headers: { ...forged }, body });
  t.equal(res.status, 400);
  t.same(await res.json(), { reason: 'bad-signature' });
  const unsigned = await fetch(receiver.url('/a1'), { method: 'POST', body });
  t.equal(unsigned.status, 400);
  t.equal(receiver.events.size, before, 'nothing acted on');
});

await t.test('500 then 200: the same id twice, acted on once', async (t) => {
  receiver.answers.set('/a1', [500]);
  const before = receiver.received.filter((r) => r.path === '/a1').length;
  const data = await send(['HU-A1']);
  await waitFor(
    'the retry',
    () => eventsAt('/a1').some((e) => (e.body.data as { documentId: string }).documentId === data.documentId),
    30_000,
  );
  const tries = receiver.received.filter((r) => r.path === '/a1').slice(before);
  t.same(
    tries.map((r) => r.answered),
    [500, 200],
  );
  t.equal(tries[0]!.headers['webhook-id'], tries[1]!.headers['webhook-id'], 'stable across retries');
  t.equal(tries[0]!.body, tries[1]!.body, 'the same body');
});

await t.test('rotation: both signatures during the grace; each receiver verifies', async (t) => {
  const old = receiver.secrets.get('/a1')![0]!;
  const res = await call('POST', '/v1/webhooks/self/secret', 'HU-A1');
  t.equal(res.statusCode, 200);
  const { secret, previousSecretValidUntil } = res.json<{ secret: string; previousSecretValidUntil: string }>();
  t.not(secret, old);
  t.ok(previousSecretValidUntil);
  receiver.secrets.set('/a1', [secret]); // the office system updated to the new secret only
  const before = receiver.received.length;
  await send(['HU-A1']);
  await waitFor('the webhook', () => receiver.received.slice(before).some((r) => r.path === '/a1'), 30_000);
  const got = receiver.received.slice(before).find((r) => r.path === '/a1')!;
  t.equal(String(got.headers['webhook-signature']).split(' ').length, 2);
  t.ok(got.verdict.ok, 'verified with the new secret');
  const { verifyWebhook } = await import('@lienthong/delivery/webhook-verify');
  t.ok(verifyWebhook({ secrets: old, headers: got.headers, body: got.body }).ok, 'and with the old one');
  t.equal((await call('POST', '/v1/webhooks/self/secret', 'HU-B1')).statusCode, 404);
});

await t.test('given up after its attempts: listed as failed, then sent again by hand', async (t) => {
  receiver.answers.set('/a1', [503, 503, 503]);
  await send(['HU-A1']);
  await waitFor(
    'a failed delivery',
    async () =>
      (await call('GET', '/v1/webhooks/self/deliveries?state=failed', 'HU-A1')).json<{ deliveries: unknown[] }>()
        .deliveries.length === 1,
    30_000,
  );
  const failed = (await call('GET', '/v1/webhooks/self/deliveries?state=failed', 'HU-A1')).json<{
    deliveries: { id: string; attempts: number; lastStatus: number }[];
  }>().deliveries[0]!;
  t.match(failed, { attempts: 3, lastStatus: 503 });
  t.equal(
    (await call('POST', `/v1/webhooks/self/deliveries/${failed.id}/redelivery`, 'HU-B1')).statusCode,
    404,
    "another office's",
  );
  t.equal((await call('POST', '/v1/webhooks/self/deliveries/nope/redelivery', 'HU-A1')).statusCode, 404);
  t.equal((await call('GET', '/v1/webhooks/self/deliveries?state=lost', 'HU-A1')).statusCode, 400);
  const again = await call('POST', `/v1/webhooks/self/deliveries/${failed.id}/redelivery`, 'HU-A1');
  t.equal(again.statusCode, 202, again.body);
  await waitFor('the redelivery', () => receiver.events.has(failed.id), 30_000);
});

await t.test('the sender hears its recipients: status changes to its own webhook', async (t) => {
  const created = await register('VPTU-A', '/sender', ['delivery.status-changed']);
  t.equal(created.statusCode, 201);
  const data = await send(['HU-B1']);
  const entry = (await call('GET', '/v1/inbox', 'HU-B1'))
    .json<{ entries: { id: string; documentId: string }[] }>()
    .entries.find((e) => e.documentId === data.documentId)!;
  const refused = await call('POST', `/v1/inbox/${entry.id}/refusal`, 'HU-B1', { reason: 'Gửi nhầm nơi nhận' });
  t.equal(refused.statusCode, 200);
  await waitFor(
    'the refusal at the sender',
    () => eventsAt('/sender').some((e) => (e.body.data as { status: string }).status === '02'),
    30_000,
  );
  const statuses = eventsAt('/sender')
    .filter((e) => (e.body.data as { documentId: string }).documentId === data.documentId)
    .map((e) => (e.body.data as { status: string; recipient: string }).status);
  t.ok(statuses.includes('02'));
  t.match(eventsAt('/sender')[0]!.body, {
    type: 'delivery.status-changed',
    data: { recipient: 'HU-B1', links: { delivery: /^\/v1\/deliveries\// } },
  });
});

await t.test('410 Gone turns the webhook off; PUT turns it on again', async (t) => {
  receiver.answers.set('/a1', [410]);
  await send(['HU-A1']);
  await waitFor(
    'disabled',
    async () => (await call('GET', '/v1/webhooks/self', 'HU-A1')).json<{ enabled: boolean }>().enabled === false,
    30_000,
  );
  t.match((await call('GET', '/v1/webhooks/self', 'HU-A1')).json(), { enabled: false, disabledReason: /410/ });
  const on = await call('PUT', '/v1/webhooks/self', 'HU-A1', { url: receiver.url('/a1') });
  t.match(on.json(), { enabled: true, disabledReason: null });
});

await t.test('removal: 204, then 404; nothing more is written for it', async (t) => {
  t.equal((await call('DELETE', '/v1/webhooks/self', 'HU-A1')).statusCode, 204);
  t.equal((await call('GET', '/v1/webhooks/self', 'HU-A1')).statusCode, 404);
  const before = (await pool.query("SELECT count(*) AS n FROM webhook_delivery WHERE office = 'HU-A1'")).rows[0];
  await send(['HU-A1']);
  const after = (await pool.query("SELECT count(*) AS n FROM webhook_delivery WHERE office = 'HU-A1'")).rows[0];
  t.same(after, before);
});
