import t from 'tap';
import { AppError, serviceErrors } from '../src/index.ts';
import { buildTestApp } from './helpers.ts';

void t.test('closing the app runs onClose hooks, last registered first (consumers before their pool)', async (t) => {
  const { app } = await buildTestApp();
  const closed: string[] = [];
  app.addHook('onClose', async () => { closed.push('pool'); });
  app.addHook('onClose', async () => { closed.push('consumer'); });
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
