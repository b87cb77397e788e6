import t from 'tap';
import { Type } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

void t.test('/docs/json is an OpenAPI 3.1 document with the routes and their schemas', async (t) => {
  const { app } = await buildTestApp();
  app.post(
    '/v1/documents',
    {
      config: { public: true },
      schema: {
        summary: 'Submit a document',
        body: Type.Object({ subject: Type.String() }),
        response: { 201: Type.Object({ id: Type.String() }), 400: Type.Ref('Problem') },
      },
    },
    async (_request, reply) => reply.code(201).send({ id: 'x' }),
  );
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/docs/json' });
  t.equal(res.statusCode, 200);
  const doc = res.json();
  t.equal(doc.openapi, '3.1.0');
  t.match(doc.info, { title: 'lienthong test', version: '0.0.0' });
  t.ok(doc.paths['/healthz']?.get, '/healthz');
  t.ok(doc.paths['/readyz']?.get, '/readyz');
  t.ok(doc.paths['/metrics']?.get, '/metrics');
  const post = doc.paths['/v1/documents']?.post;
  t.equal(post.summary, 'Submit a document');
  t.match(post.requestBody.content['application/json'].schema, { type: 'object', required: ['subject'] });
  t.ok(post.responses['201'], '201 declared');
  t.match(JSON.stringify(post.responses['400']), /#\/components\/schemas\/Problem/);
  t.ok(doc.components.schemas.Problem, 'the problem schema is a shared component');
  t.notOk(doc.paths['/docs/json'], 'the docs do not document themselves');
});

void t.test('/docs serves the UI', async (t) => {
  const { app } = await buildTestApp();
  t.teardown(() => app.close());
  const res = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
});
