/**
 * The receiving side's check (`@lienthong/delivery/webhook-verify`) and the sending side's
 * rules, without a server: a signed request passes; a forged signature, a stale or future
 * timestamp, a body replayed under another id, missing or malformed headers are refused with
 * their reason; during a rotation either secret verifies. The SSRF guard on URLs and on
 * resolved addresses; the backoff stays within its bounds; what an attempt leads to.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import t from 'tap';
import { secretPrefix, signWebhook, verifyWebhook } from '@lienthong/delivery/webhook-verify';
import { createSecretBox, newWebhookSecret } from '../src/webhooks/secret-box.ts';
import { backoffMs, judgeAttempt } from '../src/webhooks/webhook-dispatcher.ts';
import { sendWebhook } from '../src/webhooks/webhook-sender.ts';
import { guardedLookup, isPrivateAddress, targetProblem } from '../src/webhooks/webhook-target.ts';

const at = new Date('2026-03-01T01:00:00Z');
const secret = newWebhookSecret();
const body = JSON.stringify({ id: 'msg_1', type: 'inbox.document-arrived', data: { symbol: '12-CT/TU' } });
const signed = signWebhook({ id: 'msg_1', at, body, secrets: [secret] });

void t.test('a signed request verifies; the verdict gives the id to de-duplicate on', async (t) => {
  t.ok(secret.startsWith(secretPrefix));
  t.equal(Buffer.from(secret.slice(secretPrefix.length), 'base64').length, 32);
  t.same(verifyWebhook({ secrets: secret, headers: signed, body, now: at }), {
    ok: true,
    id: 'msg_1',
    timestamp: at.getTime() / 1000,
  });
  const upper = Object.fromEntries(Object.entries(signed).map(([k, v]) => [k.toUpperCase(), v]));
  t.ok(verifyWebhook({ secrets: secret, headers: upper, body: Buffer.from(body), now: at }).ok, 'any header case');
});

void t.test('forged, stale, future, replayed, missing, malformed: refused with the reason', async (t) => {
  const verdict = (headers: Record<string, string | string[]>, b = body, secrets: string | string[] = secret) =>
    verifyWebhook({ secrets, headers, body: b, now: at, toleranceSeconds: 300 });
  const cases: Array<[string, ReturnType<typeof verdict>, string]> = [
    ['another secret', verdict(signed, body, newWebhookSecret()), 'bad-signature'],
    ['a changed body', verdict(signed, body.replace('12-CT', '13-CT')), 'bad-signature'],
    ['the body replayed under another id', verdict({ ...signed, 'webhook-id': 'msg_2' }), 'bad-signature'],
    [
      'a signature of garbage',
      verdict({ ...signed, 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` }),
      'bad-signature',
    ],
    [
      'stale',
      verdict(signWebhook({ id: 'msg_1', at: new Date(at.getTime() - 301_000), body, secrets: [secret] })),
      'stale-timestamp',
    ],
    [
      'future',
      verdict(signWebhook({ id: 'msg_1', at: new Date(at.getTime() + 301_000), body, secrets: [secret] })),
      'future-timestamp',
    ],
    [
      'no signature',
      verdict({ 'webhook-id': 'msg_1', 'webhook-timestamp': signed['webhook-timestamp'] }),
      'missing-header',
    ],
    ['no id', verdict({ ...signed, 'webhook-id': '' }), 'missing-header'],
    ['a repeated header', verdict({ ...signed, 'webhook-id': ['msg_1', 'msg_1'] }), 'missing-header'],
    ['a timestamp in ms', verdict({ ...signed, 'webhook-timestamp': '1772326800000x' }), 'malformed-header'],
    ['a v2 signature only', verdict({ ...signed, 'webhook-signature': 'v2,abc' }), 'malformed-header'],
    ['an id with spaces', verdict({ ...signed, 'webhook-id': 'a b' }), 'malformed-header'],
    [
      'a huge signature header',
      verdict({ ...signed, 'webhook-signature': 'v1,'.padEnd(5000, 'A') }),
      'malformed-header',
    ],
    ['a secret not whsec_', verdict(signed, body, 'hunter2'), 'malformed-secret'],
  ];
  for (const [name, result, reason] of cases) t.match(result, { ok: false, reason }, name);
});

void t.test('rotation: two signatures; the old secret and the new both verify', async (t) => {
  const next = newWebhookSecret();
  const both = signWebhook({ id: 'msg_3', at, body, secrets: [next, secret] });
  t.equal(both['webhook-signature'].split(' ').length, 2);
  t.ok(verifyWebhook({ secrets: secret, headers: both, body, now: at }).ok, 'a receiver not yet updated');
  t.ok(verifyWebhook({ secrets: [next], headers: both, body, now: at }).ok, 'a receiver updated');
  const onlyNew = signWebhook({ id: 'msg_4', at, body, secrets: [next] });
  t.match(verifyWebhook({ secrets: secret, headers: onlyNew, body, now: at }), { ok: false, reason: 'bad-signature' });
});

void t.test('secrets at rest: sealed per office, another office or key does not open them', async (t) => {
  const box = createSecretBox('k'.repeat(32));
  const sealed = box.seal('HU-A1', secret);
  t.notOk(sealed.includes(Buffer.from(secret)), 'not in clear');
  t.equal(box.open('HU-A1', sealed), secret);
  t.throws(() => box.open('HU-B1', sealed));
  t.throws(() => createSecretBox('x'.repeat(32)).open('HU-A1', sealed));
});

void t.test('SSRF guard: what a URL may name', async (t) => {
  const strict = { allowHttp: false, allowPrivate: false };
  t.equal(targetProblem('https://office.example.vn/hooks', strict), undefined);
  for (const url of [
    'http://office.example.vn/hooks',
    'https://10.1.2.3/x',
    'https://192.168.1.1/x',
    'https://172.20.0.1/x',
    'https://169.254.169.254/latest/meta-data',
    'https://127.0.0.1/x',
    'https://localhost/x',
    'https://[::1]/x',
    'https://[fe80::1]/x',
    'https://[fd00::1]/x',
    'https://[::ffff:10.0.0.1]/x',
    'https://[2002:a00:1::1]/x',
    'https://[2001:0:a00:1::1]/x',
    'https://0.0.0.0/x',
    'https://user:pw@office.example.vn/',
    'https://office.example.vn/#frag',
    'ftp://office.example.vn/',
    'not a url',
    `https://office.example.vn/${'a'.repeat(2048)}`,
  ])
    t.type(targetProblem(url, strict), 'string', url);
  const tests = { allowHttp: false, allowPrivate: true };
  t.equal(targetProblem('http://127.0.0.1:9/x', tests), undefined, 'http to loopback when private targets are allowed');
  t.type(targetProblem('http://10.0.0.1/x', tests), 'string', 'http elsewhere still needs allowHttp');
  for (const a of ['8.8.8.8', '2001:4860::8888', '::ffff:8.8.8.8']) t.notOk(isPrivateAddress(a), a);
});

void t.test('SSRF guard at connect time: a name resolving to loopback is refused, nothing sent', async (t) => {
  let hits = 0;
  const server = createServer((_req, res) => {
    hits++;
    res.end('ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.close());
  const port = (server.address() as AddressInfo).port;
  // The lookup itself refuses what a name resolves to (a name rebound to an inside address).
  const looked = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
    guardedLookup(false)('localhost', {}, (err) => resolve(err)),
  );
  t.match(looked, { code: 'WEBHOOK_TARGET_PRIVATE' });
  const refused = await sendWebhook(`http://localhost:${port}/`, {}, '{}', {
    allowHttp: true,
    allowPrivate: false,
    timeoutMs: 2000,
  });
  t.match(refused, { status: null, permanent: true, error: /refused/ });
  const allowed = await sendWebhook(`http://localhost:${port}/`, {}, '{}', {
    allowHttp: true,
    allowPrivate: true,
    timeoutMs: 2000,
  });
  t.match(allowed, { status: 200, error: null });
  t.equal(hits, 1);
});

void t.test('redirects are not followed; the answer is read only so far', async (t) => {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(req.url ?? '');
    if (req.url === '/redirect') {
      res.writeHead(307, { location: '/elsewhere' }).end();
      return;
    }
    res.writeHead(200);
    res.write(Buffer.alloc(64 * 1024));
    // never ends: the sender stops reading after its limit
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.teardown(() => server.closeAllConnections());
  t.teardown(() => server.close());
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const options = { allowHttp: false, allowPrivate: true, timeoutMs: 5000 };
  t.match(await sendWebhook(`${base}/redirect`, {}, '{}', options), { status: 307 });
  t.match(await sendWebhook(`${base}/endless`, {}, '{}', options), { status: 200, error: null });
  t.same(seen, ['/redirect', '/endless']);
});

void t.test('backoff between its bounds; what an attempt leads to', async (t) => {
  for (let attempt = 1; attempt <= 30; attempt++) {
    const low = backoffMs(attempt, 5000, 3_600_000, () => 0);
    const high = backoffMs(attempt, 5000, 3_600_000, () => 1);
    t.ok(low >= 2500 && high <= 3_600_000 && low <= high, `attempt ${attempt}`);
  }
  t.equal(
    backoffMs(1, 5000, 3_600_000, () => 1),
    5000,
  );
  t.equal(
    backoffMs(30, 5000, 3_600_000, () => 1),
    3_600_000,
  );
  const config = { maxAttempts: 3, maxAgeSeconds: 86_400, retryMinMs: 5000, retryMaxMs: 3_600_000 };
  const row = { attempts: 1, retry_since: at };
  const answer = (status: number | null, permanent = false) => ({ status, error: null, permanent });
  t.match(judgeAttempt(row, answer(204), config, at), { state: 'delivered' });
  t.match(judgeAttempt(row, answer(410), config, at), { state: 'failed', gone: true });
  t.match(judgeAttempt(row, answer(500), config, at), { state: 'pending', next: Date });
  t.match(judgeAttempt(row, answer(302), config, at), { state: 'pending' });
  t.match(judgeAttempt(row, answer(null, true), config, at), { state: 'failed' });
  t.match(judgeAttempt({ ...row, attempts: 3 }, answer(500), config, at), { state: 'failed' });
  const dayLater = new Date(at.getTime() + 86_400_000);
  t.match(judgeAttempt(row, answer(500), config, dayLater), { state: 'failed' }, 'given up after 24 h');
});
