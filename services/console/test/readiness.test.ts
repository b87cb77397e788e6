/**
 * The console's probes: `/healthz` answers while it runs; `/readyz` asks each service it was
 * given a URL for its own `/healthz`, and answers 503 naming those that do not answer 2xx
 * (refused connection, an error status, a malformed answer, no answer in time).
 */
import t from 'tap';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { consoleApp, standInService } from './support.ts';

interface Readiness {
  status?: string;
  code?: string;
  detail?: string;
  checks: { name: string; status: string; detail?: string }[];
}

/** A loopback port with nothing listening (bound, read, released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

void t.test('ready when every configured service answers its /healthz; none configured: ready', async (t) => {
  const services = await Promise.all([1, 2, 3, 4].map(() => standInService(t)));
  const [intake, signing, delivery, archive] = services;
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_INTAKE_URL: intake!.url,
    LIENTHONG_CONSOLE_SIGNING_URL: `${signing!.url}/`,
    LIENTHONG_CONSOLE_DELIVERY_URL: delivery!.url,
    LIENTHONG_CONSOLE_ARCHIVE_URL: archive!.url,
  });
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 200);
  t.same(res.json<Readiness>(), {
    status: 'ok',
    checks: ['intake', 'signing', 'delivery', 'archive'].map((name) => ({ name, status: 'ok' })),
  });
  for (const service of services) {
    t.same(
      service.seen.map((s) => [s.method, s.url, s.headers.authorization]),
      [['GET', '/healthz', undefined]],
      'each service is asked its /healthz, with no token',
    );
  }
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'liveness asks no service');
  t.equal(intake!.seen.length, 1);

  const alone = await consoleApp(t);
  t.same((await alone.inject({ method: 'GET', url: '/readyz' })).json(), { status: 'ok', checks: [] });
});

void t.test('not ready (503 problem+json) while a service is down, says something else, or hangs', async (t) => {
  const failing = await standInService(t, (_q, response) => {
    response.writeHead(503, { 'content-type': 'application/problem+json' });
    response.end('{"status":503}');
  });
  const garbled = await standInService(t, (request, response) => {
    // Not HTTP at all: the socket gets bytes that are no status line, then closes.
    request.socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n');
    response.destroy();
  });
  const redirecting = await standInService(t, (_q, response) => {
    response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
    response.end();
  });
  const down = await closedPort();
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_INTAKE_URL: failing.url,
    LIENTHONG_CONSOLE_SIGNING_URL: `http://127.0.0.1:${down}`,
    LIENTHONG_CONSOLE_DELIVERY_URL: garbled.url,
    LIENTHONG_CONSOLE_ARCHIVE_URL: redirecting.url,
  });
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  const body = res.json<Readiness>();
  t.equal(body.code, 'NOT_READY');
  t.equal(body.detail, 'failing: intake, signing, delivery, archive');
  t.match(body.checks, [
    { name: 'intake', status: 'fail', detail: /answered 503/ },
    { name: 'signing', status: 'fail', detail: /signing is unreachable/ },
    { name: 'delivery', status: 'fail', detail: /delivery is unreachable/ },
    { name: 'archive', status: 'fail', detail: /answered 302/ },
  ]);
  t.equal(redirecting.seen.length, 1, 'a redirect is not followed');
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'still alive');
});

void t.test('a service that never answers makes the console not ready, within the check timeout', async (t) => {
  const hanging = await standInService(t, () => undefined);
  const ok = await standInService(t);
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_INTAKE_URL: ok.url, LIENTHONG_CONSOLE_ARCHIVE_URL: hanging.url });
  const res = await app.inject({ method: 'GET', url: '/readyz' });
  t.equal(res.statusCode, 503);
  t.match(res.json<Readiness>().checks, [
    { name: 'intake', status: 'ok' },
    { name: 'archive', status: 'fail', detail: /timed out/ },
  ]);
});
