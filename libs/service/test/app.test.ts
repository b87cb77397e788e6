import t from 'tap';
import { AppError, serviceErrors, Type } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

void t.test('closing the app runs onClose hooks, last registered first (consumers before their pool)', async (t) => {
  const { app } = await buildTestApp();
  const closed: string[] = [];
  app.addHook('onClose', async () => {
    closed.push('pool');
  });
  app.addHook('onClose', async () => {
    closed.push('consumer');
  });
  await app.ready();
  await app.close();
  t.same(closed, ['consumer', 'pool']);
});

void t.test('a public route has no principal; a protected one refuses a caller without a token', async (t) => {
  const { app } = await buildTestApp();
  app.get('/open', { config: { public: true } }, async (request) => ({ principal: request.principal }));
  app.get('/closed', async () => ({ reached: true }));
  t.teardown(() => app.close());
  t.same((await app.inject({ method: 'GET', url: '/open' })).json(), { principal: null });
  const refused = await app.inject({ method: 'GET', url: '/closed' });
  t.equal(refused.statusCode, 401);
  t.equal(refused.json().code, 'UNAUTHENTICATED');
});

void t.test('an authenticator given to the app replaces the bearer check and may refuse', async (t) => {
  const { app } = await buildTestApp({
    authenticate: async (request) => {
      if (request.headers.authorization === undefined) throw new AppError(serviceErrors.UNAUTHENTICATED);
      return { subject: 'system:office-1', office: 'VPTU-CM', roles: ['office-system'] };
    },
  });
  app.get('/whoami', async (request) => ({ principal: request.principal }));
  t.teardown(() => app.close());
  t.equal((await app.inject({ method: 'GET', url: '/whoami' })).statusCode, 401);
  const ok = await app.inject({ method: 'GET', url: '/whoami', headers: { authorization: 'x' } });
  t.same(ok.json(), { principal: { subject: 'system:office-1', office: 'VPTU-CM', roles: ['office-system'] } });
});

void t.test(
  'text parts are coerced to their schema types, a JSON body never is; shared schemas still resolve',
  async (t) => {
    const { app } = await buildTestApp();
    app.addSchema(Type.Object({ at: Type.String() }, { $id: 'Stamp' }));
    app.post(
      '/typed',
      {
        config: { public: true },
        schema: {
          querystring: Type.Object({ allow: Type.Boolean({ default: false }), page: Type.Integer({ default: 1 }) }),
          body: Type.Object(
            { reason: Type.String(), count: Type.Optional(Type.Integer()), stamp: Type.Optional(Type.Ref('Stamp')) },
            { additionalProperties: false },
          ),
        },
      },
      async (request) => ({ query: request.query, body: request.body }),
    );
    t.teardown(() => app.close());
    const ok = await app.inject({
      method: 'POST',
      url: '/typed?allow=true&page=3',
      payload: { reason: 'lý do', count: 2, stamp: { at: 'now' } },
    });
    t.same(
      ok.json(),
      { query: { allow: true, page: 3 }, body: { reason: 'lý do', count: 2, stamp: { at: 'now' } } },
      'query strings become a boolean and an integer',
    );
    for (const [what, payload] of [
      ['a number for a string', { reason: 5 }],
      ['a string for an integer', { reason: 'x', count: '2' }],
      ['a boolean for a string', { reason: true }],
      ['an array for a string', { reason: ['x'] }],
      ['null for a string', { reason: null }],
      ['a number inside a shared schema', { reason: 'x', stamp: { at: 1 } }],
    ] as const) {
      const res = await app.inject({ method: 'POST', url: '/typed', payload });
      t.equal(res.statusCode, 400, what);
      t.equal(res.json<{ code: string }>().code, 'VALIDATION_FAILED', what);
    }
  },
);

void t.test(
  'answers are never sniffed; what a token holder sees is not cached, public answers keep their own policy',
  async (t) => {
    const { app } = await buildTestApp({
      authenticate: async () => ({ subject: 'person:nhung', office: 'VPTU-CM', roles: ['signer'] }),
    });
    app.get('/mine', async () => ({ document: 'Chỉ thị 05-CT/TU' }));
    app.get('/public', { config: { public: true } }, async (_request, reply) =>
      reply.header('cache-control', 'max-age=60').send({ crl: true }),
    );
    t.teardown(() => app.close());
    const mine = await app.inject({ method: 'GET', url: '/mine' });
    t.equal(mine.headers['x-content-type-options'], 'nosniff');
    t.equal(mine.headers['cache-control'], 'no-store');
    const open = await app.inject({ method: 'GET', url: '/public' });
    t.equal(open.headers['x-content-type-options'], 'nosniff');
    t.equal(open.headers['cache-control'], 'max-age=60');
    const missing = await app.inject({ method: 'GET', url: '/nowhere' });
    t.equal(missing.headers['x-content-type-options'], 'nosniff', 'problem answers too');
  },
);
