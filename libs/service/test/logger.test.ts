import t from 'tap';
import { createLogger } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

void t.test('secret fields and credential headers are redacted from log lines', async (t) => {
  const lines: string[] = [];
  const logger = createLogger({
    name: 'test',
    level: 'info',
    destination: {
      write: (line: string) => {
        lines.push(line);
      },
    },
  });
  logger.info(
    {
      password: 'p0',
      user: { password: 'p1', pin: '1234' },
      s3: { secretKey: 'sk-1', accessKey: 'ak-1' },
      signer: { key: { privateKey: 'PEM-PRIVATE' } },
      req: { headers: { authorization: 'Bearer tok-1', cookie: 'sid=abc', accept: 'json' } },
      subject: 'visible',
    },
    'hello',
  );
  const text = lines.join('');
  for (const secret of ['p0', 'p1', '1234', 'sk-1', 'ak-1', 'PEM-PRIVATE', 'tok-1', 'sid=abc']) {
    t.notMatch(text, secret, `${secret} redacted`);
  }
  const line = JSON.parse(lines[0]!);
  t.equal(line.user.pin, '[redacted]');
  t.equal(line.req.headers.accept, 'json', 'other headers kept');
  t.equal(line.subject, 'visible');
  t.equal(line.service, 'test');
});

void t.test('request logs carry the caller x-request-id and redact what handlers log', async (t) => {
  const { app, logs } = await buildTestApp();
  app.post('/sign', { config: { public: true } }, async (request) => {
    request.log.info({ signer: { pin: '987654' }, headers: request.headers }, 'signing');
    return { ok: true };
  });
  t.teardown(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/sign',
    payload: {},
    headers: { 'x-request-id': 'trace-me-1', authorization: 'Basic c2VjcmV0' },
  });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['x-request-id'], 'trace-me-1');
  const signing = logs.find((line) => line.msg === 'signing');
  t.match(signing, {
    requestId: 'trace-me-1',
    signer: { pin: '[redacted]' },
    headers: { authorization: '[redacted]' },
  });
  t.notMatch(JSON.stringify(logs), /987654|c2VjcmV0/);
  t.ok(logs.some((line) => line.msg === 'request completed' && line.requestId === 'trace-me-1'));
});

void t.test('an odd x-request-id is replaced by a fresh one', async (t) => {
  const { app } = await buildTestApp();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\ninjected' } });
  t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/);
});
