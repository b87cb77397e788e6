import t from 'tap';
import { BusError } from '@lienthong/bus';
import { StorageError } from '@lienthong/storage';
import { AppError, Type, defineErrors } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

async function appWithRoutes() {
  const built = await buildTestApp({ bodyLimit: 1024 });
  const errors = defineErrors({ DOCUMENT_NOT_FOUND: { status: 404, title: 'Document not found' } });
  built.app.post(
    '/documents',
    {
      config: { public: true },
      schema: {
        body: Type.Object({
          subject: Type.String({ minLength: 1 }),
          urgency: Type.Union([Type.Literal('normal'), Type.Literal('urgent')]),
        }),
        response: { 201: Type.Object({ id: Type.String() }) },
      },
    },
    async (_request, reply) => reply.code(201).send({ id: 'd1' }),
  );
  built.app.get(
    '/documents/:id',
    {
      config: { public: true },
      schema: { params: Type.Object({ id: Type.String() }) },
    },
    async (request) => {
      throw new AppError(errors.DOCUMENT_NOT_FOUND, {
        detail: `no document ${request.params.id}`,
        extra: { documentId: request.params.id },
      });
    },
  );
  built.app.get(
    '/objects/:key',
    { config: { public: true }, schema: { params: Type.Object({ key: Type.String() }) } },
    async (request) => {
      throw new StorageError('OBJECT_NOT_FOUND', `originals/${request.params.key}`, {
        extra: { key: request.params.key },
      });
    },
  );
  built.app.get('/publish', { config: { public: true } }, async () => {
    throw new BusError('BUS_UNAVAILABLE', 'broker 10.0.0.9:9092 refused, password=hunter2', {
      cause: new Error('ECONNREFUSED'),
    });
  });
  built.app.get('/boom', { config: { public: true } }, async () => {
    throw new Error('connection to 10.0.0.7:5432 refused, password=hunter2');
  });
  await built.app.ready();
  return built;
}

void t.test('a validation error is a 400 problem naming the field and why', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'POST', url: '/documents?x=1', payload: { urgency: 'normal' } });
  t.equal(res.statusCode, 400);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  const body = res.json();
  t.match(body, {
    type: 'urn:lienthong:problem:VALIDATION_FAILED',
    title: 'Request validation failed',
    status: 400,
    code: 'VALIDATION_FAILED',
    instance: '/documents',
    detail: /body \/subject: must have required property 'subject'/,
  });
  t.match(body.errors, [{ in: 'body', pointer: '/subject', detail: /required/ }]);

  const wrongValue = (
    await app.inject({ method: 'POST', url: '/documents', payload: { subject: 's', urgency: 'later' } })
  ).json();
  t.match(wrongValue.errors, [{ in: 'body', pointer: '/urgency' }]);
});

void t.test('an AppError keeps its code, status, detail and extension fields', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/documents/42', headers: { 'x-request-id': 'req-42' } });
  t.equal(res.statusCode, 404);
  t.match(res.json(), {
    type: 'urn:lienthong:problem:DOCUMENT_NOT_FOUND',
    code: 'DOCUMENT_NOT_FOUND',
    title: 'Document not found',
    status: 404,
    detail: 'no document 42',
    documentId: '42',
    instance: '/documents/42',
    requestId: 'req-42',
  });
  t.equal(res.headers['x-request-id'], 'req-42');
});

void t.test('a library error keeps its own code, status, title, detail and extension fields', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/objects/a.pdf' });
  t.equal(res.statusCode, 404);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.same(res.json(), {
    type: 'urn:lienthong:problem:OBJECT_NOT_FOUND',
    title: 'Object not found',
    status: 404,
    detail: 'originals/a.pdf',
    instance: '/objects/a.pdf',
    code: 'OBJECT_NOT_FOUND',
    requestId: res.json().requestId,
    key: 'a.pdf',
  });
});

void t.test('a library 5xx keeps its code and status but its detail goes to the log only', async (t) => {
  const { app, logs } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/publish' });
  t.equal(res.statusCode, 503);
  const body = res.json();
  t.match(body, {
    type: 'urn:lienthong:problem:BUS_UNAVAILABLE',
    code: 'BUS_UNAVAILABLE',
    status: 503,
    title: 'The event transport did not answer',
  });
  t.equal(body.detail, undefined, 'no detail sent');
  t.notMatch(res.body, /10\.0\.0\.9|hunter2|ECONNREFUSED/);
  const logged = logs.find((line) => line.msg === 'request failed');
  t.match(logged, { level: 50, requestId: body.requestId, err: { message: /10\.0\.0\.9/ } }, 'the detail is logged');
});

void t.test('an unknown route is a 404 problem', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/nowhere' });
  t.equal(res.statusCode, 404);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { code: 'NOT_FOUND', status: 404, detail: 'No route for GET /nowhere' });
});

void t.test('a body over the limit is a 413 problem', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/documents',
    payload: { subject: 'x'.repeat(2000), urgency: 'normal' },
  });
  t.equal(res.statusCode, 413);
  t.match(res.json(), { code: 'PAYLOAD_TOO_LARGE', status: 413 });
});

void t.test('an unsupported content type is a 415 problem', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/documents',
    headers: { 'content-type': 'application/xml' },
    payload: '<a/>',
  });
  t.equal(res.statusCode, 415);
  t.match(res.headers['content-type'], /^application\/problem\+json/);
  t.match(res.json(), { code: 'UNSUPPORTED_MEDIA_TYPE', status: 415 });
});

void t.test('malformed JSON is a 400 problem, not a 500', async (t) => {
  const { app } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({
    method: 'POST',
    url: '/documents',
    headers: { 'content-type': 'application/json' },
    payload: '{"subject":',
  });
  t.equal(res.statusCode, 400);
  t.match(res.json(), { code: 'MALFORMED_BODY' });
});

void t.test('an unexpected error is a 500 that hides internals and is logged', async (t) => {
  const { app, logs } = await appWithRoutes();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/boom' });
  t.equal(res.statusCode, 500);
  const body = res.json();
  t.match(body, { code: 'INTERNAL', status: 500, title: 'Internal server error' });
  t.notMatch(res.body, /10\.0\.0\.7|hunter2|stack|Error:/);
  const logged = logs.find((line) => line.msg === 'unexpected error');
  t.ok(logged, 'the error is logged');
  t.match(logged, { level: 50, requestId: body.requestId, err: { message: /refused/ } });
});

void t.test('a malformed URL (bad percent-encoding) is a 400 problem, not a bare error', async (t) => {
  const { app } = await buildTestApp();
  app.get('/v1/things/:id', { config: { public: true } }, async () => ({}));
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/v1/things/%E0%A4%A' });
  t.equal(res.statusCode, 400);
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8');
  t.match(res.json(), { code: 'BAD_REQUEST', status: 400, detail: /percent-encoding/ });
});
