/**
 * The console's `/metrics`: the request-duration histogram labelled `service="console"` (the
 * proxy's route included), and the count of requests a service never answered, by service.
 */
import t from 'tap';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { consoleApp, standInService } from './support.ts';

/** A loopback port nobody listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

void t.test('request durations and unanswered service requests are exposed', async (t) => {
  const archive = await standInService(t);
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_ARCHIVE_URL: archive.url,
    LIENTHONG_CONSOLE_INTAKE_URL: `http://127.0.0.1:${await closedPort()}`,
  });
  t.equal((await app.inject({ url: '/api/archive/v1/records' })).statusCode, 200);
  const down = await app.inject({ url: '/api/intake/v1/inbox' });
  t.equal(down.statusCode, 502);
  t.equal(down.json<{ code: string }>().code, 'CONSOLE_UPSTREAM_UNAVAILABLE');
  await app.inject({ url: '/api/intake/v1/inbox' });

  const res = await app.inject({ url: '/metrics' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /^text\/plain/);
  t.match(
    res.body,
    /http_request_duration_seconds_count\{service="console",method="GET",route="\/api\/\*",status="200"\} 1/,
  );
  t.match(res.body, /lienthong_console_upstream_unavailable_total\{upstream="intake",service="console"\} 2/);
  t.notMatch(res.body, /upstream="archive"/, 'a service that answered is not counted');
  t.notMatch(res.body, /authorization|Bearer/i, 'no header value is ever a label');
});
