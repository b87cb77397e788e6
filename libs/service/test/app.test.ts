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

void t.test('every request has a principal slot, null without an authenticator', async (t) => {
  const { app } = await buildTestApp();
  app.get('/whoami', async (request) => ({ principal: request.principal }));
  t.teardown(() => app.close());
  t.same((await app.inject({ method: 'GET', url: '/whoami' })).json(), { principal: null });
});

void t.test('an authenticator runs before handlers and may refuse', async (t) => {
  const { app } = await buildTestApp({
    authenticate: async (request) => {
      if (request.headers.authorization === undefined) throw new AppError(serviceErrors.UNAUTHENTICATED);
      return { subject: 'office-system-1', officeIds: ['vp-tinh-uy'] };
    },
  });
  app.get('/whoami', async (request) => ({ principal: request.principal }));
  t.teardown(() => app.close());
  t.equal((await app.inject({ method: 'GET', url: '/whoami' })).statusCode, 401);
  const ok = await app.inject({ method: 'GET', url: '/whoami', headers: { authorization: 'x' } });
  t.same(ok.json(), { principal: { subject: 'office-system-1', officeIds: ['vp-tinh-uy'] } });
});
