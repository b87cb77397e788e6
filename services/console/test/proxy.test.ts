/**
 * The same-origin proxy: the caller's Authorization passes untouched and the console never adds
 * one (no back door); only the listed headers go on; bodies and server-sent events are streamed;
 * hostile paths, unknown services and oversized bodies are refused before any service is called.
 */
import t from 'tap';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { consoleApp, rawGet, standInService } from './support.ts';

const token = 'eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2ln';

void t.test("the caller's Authorization reaches the service untouched; none is added", async (t) => {
  const intake = await standInService(t);
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_INTAKE_URL: intake.url });
  const res = await app.inject({
    method: 'GET',
    url: '/api/intake/v1/documents?state=issued&limit=5',
    headers: {
      authorization: `Bearer ${token}`,
      cookie: 'session=secret',
      'x-forwarded-for': '10.0.0.1',
      'x-other': '1',
    },
  });
  t.equal(res.statusCode, 200);
  t.same(res.json(), { ok: true });
  t.equal(intake.seen[0]?.url, '/v1/documents?state=issued&limit=5');
  t.equal(intake.seen[0]?.headers.authorization, `Bearer ${token}`);
  t.equal(intake.seen[0]?.headers.cookie, undefined, 'no cookie crosses');
  t.equal(intake.seen[0]?.headers['x-forwarded-for'], undefined);
  t.equal(intake.seen[0]?.headers['x-other'], undefined);

  const anonymous = await app.inject({ method: 'GET', url: '/api/intake/v1/documents' });
  t.equal(anonymous.statusCode, 200);
  t.equal(intake.seen[1]?.headers.authorization, undefined, 'the console adds no token of its own');
  t.equal(anonymous.headers['content-security-policy']?.includes("frame-ancestors 'none'"), true);
});

void t.test("the service's refusal comes back as it is (problem+json)", async (t) => {
  const problem = { type: 'about:blank', title: 'Forbidden', status: 403, code: 'FORBIDDEN', detail: 'not yours' };
  const archive = await standInService(t, (_q, response) => {
    response.writeHead(403, { 'content-type': 'application/problem+json', 'set-cookie': 'x=1' });
    response.end(JSON.stringify(problem));
  });
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_ARCHIVE_URL: archive.url });
  const res = await app.inject({
    method: 'GET',
    url: '/api/archive/v1/records/x',
    headers: { authorization: 'Bearer a.b.c' },
  });
  t.equal(res.statusCode, 403);
  t.equal(res.headers['content-type'], 'application/problem+json');
  t.same(res.json(), problem);
  t.equal(res.headers['set-cookie'], undefined, 'no cookie is set through the console');
});

void t.test('a DELETE without a body reaches the service without one (no chunked body to wait for)', async (t) => {
  const archive = await standInService(t);
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_ARCHIVE_URL: archive.url });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const status = await new Promise<number>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'DELETE', path: '/api/archive/v1/records/x/hold' });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
  t.equal(status, 200, 'the service answered');
  t.equal(archive.seen[0]?.method, 'DELETE');
  t.equal(archive.seen[0]?.headers['transfer-encoding'], undefined, 'no chunked body announced');
  t.equal(archive.seen[0]?.body.length, 0, 'and none sent');
});

void t.test('a multipart body, the PIN and the idempotency key are passed on byte for byte', async (t) => {
  const intake = await standInService(t, (_q, response) => {
    response.writeHead(201, { 'content-type': 'application/json', location: '/v1/documents/1' });
    response.end('{"id":"1"}');
  });
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_INTAKE_URL: intake.url });
  const body = Buffer.concat([
    Buffer.from('--b\r\ncontent-disposition: form-data; name="content"; filename="a.pdf"\r\n\r\n'),
    Buffer.from([0, 1, 2, 255, 254]),
    Buffer.from('\r\n--b--\r\n'),
  ]);
  const res = await app.inject({
    method: 'POST',
    url: '/api/intake/v1/documents',
    headers: {
      authorization: 'Bearer a.b.c',
      'content-type': 'multipart/form-data; boundary=b',
      'idempotency-key': 'k-1',
      'lienthong-pin': 'demo-246810',
    },
    payload: body,
  });
  t.equal(res.statusCode, 201);
  t.equal(res.headers.location, '/v1/documents/1');
  const seen = intake.seen[0];
  t.ok(seen?.body.equals(body));
  t.equal(seen?.headers['content-type'], 'multipart/form-data; boundary=b');
  t.equal(seen?.headers['idempotency-key'], 'k-1');
  t.equal(seen?.headers['lienthong-pin'], 'demo-246810');
});

void t.test('server-sent events are streamed through as they come', async (t) => {
  let release: () => void = () => undefined;
  const delivery = await standInService(t, (request, response) => {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
    response.write(`event: document\nid: 7\ndata: {"seen":"${String(request.headers['last-event-id'] ?? '')}"}\n\n`);
    release = () => response.end(': bye\n\n');
  });
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_DELIVERY_URL: delivery.url });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const first = await new Promise<string>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/delivery/v1/inbox/stream',
        headers: { 'last-event-id': '6', authorization: 'Bearer a.b.c' },
      },
      (res) => {
        t.equal(res.headers['content-type'], 'text/event-stream');
        res.setEncoding('utf8');
        // The first event arrives while the service still holds the stream open.
        res.once('data', (chunk: string) => {
          resolve(chunk);
          release();
          res.resume();
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
  t.match(first, /event: document\nid: 7\ndata: \{"seen":"6"\}/);
});

void t.test('refused before any service is called', async (t) => {
  const intake = await standInService(t);
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_INTAKE_URL: intake.url,
    LIENTHONG_CONSOLE_MAX_BODY_BYTES: '2048',
  });
  const cases: [string, number, string][] = [
    ['/api/unknown/v1/x', 404, 'CONSOLE_SERVICE_UNKNOWN'],
    ['/api/../../etc/passwd', 404, 'CONSOLE_SERVICE_UNKNOWN'],
    ['/api/signing/v1/keys', 503, 'CONSOLE_SERVICE_NOT_CONFIGURED'],
    ['/api/intake/../../etc/passwd', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/../../admin', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/%2e%2e/%2e%2e/admin', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/records/x/objects/evidence%2F..%2Fsecret', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/a%5Cb', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/a%00b', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/v1/a%zz', 400, 'BAD_REQUEST'],
    ['/api/intake/v2/documents', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/docs/json', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake/metrics', 400, 'CONSOLE_PATH_REFUSED'],
    ['/api/intake//v1/documents', 400, 'CONSOLE_PATH_REFUSED'],
  ];
  for (const [path, status, code] of cases) {
    const res = await rawGet(app, path);
    t.equal(res.status, status, path);
    t.match(JSON.parse(res.body), { code }, path);
  }
  const big = await app.inject({
    method: 'POST',
    url: '/api/intake/v1/documents',
    headers: { 'content-type': 'application/pdf' },
    payload: Buffer.alloc(4096),
  });
  t.equal(big.statusCode, 413);
  t.match(big.json(), { code: 'CONSOLE_BODY_TOO_LARGE' });
  t.equal(intake.seen.length, 0, 'no request reached the service');
});

void t.test('a chunked body over the limit is cut off with 413', async (t) => {
  const intake = await standInService(t);
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_INTAKE_URL: intake.url,
    LIENTHONG_CONSOLE_MAX_BODY_BYTES: '2048',
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        path: '/api/intake/v1/documents',
        method: 'POST',
        headers: { 'content-type': 'application/pdf' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    for (let i = 0; i < 8; i += 1) req.write(Buffer.alloc(1024));
    req.end();
  });
  t.equal(answer.status, 413);
  t.match(JSON.parse(answer.body), { code: 'CONSOLE_BODY_TOO_LARGE' });
  t.ok(
    intake.seen.every((s) => s.body.length <= 2048),
    'the service never got more than the limit',
  );
});

void t.test('a caller gone mid-upload: the service sees the request cut at once, not at its timeout', async (t) => {
  const { createServer } = await import('node:http');
  let cut: () => void = () => undefined;
  const wasCut = new Promise<void>((resolve) => (cut = resolve));
  let arrived: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (arrived = resolve));
  const service = createServer((request) => {
    request.once('data', () => arrived());
    request.on('close', () => {
      if (!request.complete) cut();
    });
  });
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        service.close(() => resolve());
        service.closeAllConnections();
      }),
  );
  const app = await consoleApp(t, {
    LIENTHONG_CONSOLE_INTAKE_URL: `http://127.0.0.1:${(service.address() as AddressInfo).port}`,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const req = httpRequest({
    host: '127.0.0.1',
    port,
    path: '/api/intake/v1/documents',
    method: 'POST',
    headers: { 'content-type': 'application/pdf', 'content-length': '100000' },
  });
  req.on('error', () => undefined);
  req.write(Buffer.alloc(1000));
  await started;
  req.destroy();
  await wasCut;
  t.pass('the upstream request was cut when the caller left');
});

void t.test('a service that does not answer: 502', async (t) => {
  const app = await consoleApp(t, { LIENTHONG_CONSOLE_ARCHIVE_URL: 'http://127.0.0.1:1' });
  const res = await app.inject({ method: 'GET', url: '/api/archive/v1/records' });
  t.equal(res.statusCode, 502);
  t.match(res.json(), { code: 'CONSOLE_UPSTREAM_UNAVAILABLE' });
});
