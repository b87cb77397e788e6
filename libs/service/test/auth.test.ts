import { createHmac, generateKeyPairSync, createPublicKey, sign } from 'node:crypto';
import t from 'tap';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  accessTokenVerifier,
  bearerTokenAuthenticator,
  createServiceApp,
  parseJwks,
  publicJwks,
  requireRole,
  signAccessToken,
} from '../src/index.ts';
import type { AuthConfig, ServiceApp } from '../src/index.ts';
import { testAudience, testAuthConfig, testIssuerKey, testToken } from '../../../test/support/auth.ts';

async function appWith(auth: AuthConfig | undefined): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'test',
    version: '0.0.0',
    config: { logLevel: 'silent', ...(auth === undefined ? {} : { auth }) },
  });
  app.get('/v1/whoami', async (request) => ({ principal: request.principal }));
  app.get('/v1/admin', async (request) => ({ subject: requireRole(request, 'ca-admin').subject }));
  return app;
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const exp = () => Math.floor(Date.now() / 1000) + 600;

void t.test('a valid token makes its subject, office and roles the principal', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  const token = testToken({
    subject: 'person:nhung',
    office: 'VPTU-CM',
    roles: ['signer'],
    name: 'Nguyễn Thị Hồng Nhung',
  });
  const answer = await app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
  t.equal(answer.statusCode, 200);
  t.same(answer.json(), {
    principal: { subject: 'person:nhung', office: 'VPTU-CM', roles: ['signer'], name: 'Nguyễn Thị Hồng Nhung' },
  });
});

void t.test('without a token: 401 problem+json with the RFC 6750 challenge, the handler never runs', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  const answer = await app.inject({ method: 'GET', url: '/v1/whoami' });
  t.equal(answer.statusCode, 401);
  t.match(answer.headers['content-type'], /application\/problem\+json/);
  t.equal(answer.headers['www-authenticate'], 'Bearer realm="lienthong"');
  t.match(answer.json(), { code: 'UNAUTHENTICATED', detail: /Authorization: Bearer/ });
  const basic = await app.inject({
    method: 'GET',
    url: '/v1/whoami',
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
  });
  t.equal(basic.statusCode, 401);
  t.equal(basic.headers['www-authenticate'], 'Bearer realm="lienthong", error="invalid_request"');
});

void t.test('probes, metrics and the API docs stay public; unknown routes still answer 404', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  for (const url of ['/healthz', '/readyz', '/metrics', '/docs/json', '/docs/']) {
    t.equal((await app.inject({ method: 'GET', url })).statusCode, 200, url);
  }
  t.equal((await app.inject({ method: 'GET', url: '/v1/nothing-here' })).statusCode, 404);
  const docs = (await app.inject({ method: 'GET', url: '/docs/json' })).json();
  t.same(docs.components.securitySchemes.accessToken, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT (RFC 9068 access token)',
  });
  t.same(docs.paths['/healthz'].get.security, [], 'public routes say no token is needed');
  t.notOk(docs.paths['/v1/whoami'].get.security, 'protected routes use the global requirement');
});

void t.test('a service without a configured issuer refuses every protected call', async (t) => {
  const app = await appWith(undefined);
  t.teardown(() => app.close());
  const answer = await app.inject({
    method: 'GET',
    url: '/v1/whoami',
    headers: { authorization: `Bearer ${testToken()}` },
  });
  t.equal(answer.statusCode, 401);
  t.match(answer.json().detail, /no token issuer configured/);
});

void t.test('a role the caller lacks: 403 naming the role', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  const signer = await app.inject({
    method: 'GET',
    url: '/v1/admin',
    headers: { authorization: `Bearer ${testToken({ roles: ['signer'] })}` },
  });
  t.equal(signer.statusCode, 403);
  t.match(signer.json(), { code: 'FORBIDDEN', detail: 'this needs the role ca-admin' });
  const admin = await app.inject({
    method: 'GET',
    url: '/v1/admin',
    headers: { authorization: `Bearer ${testToken({ subject: 'person:admin', roles: ['ca-admin'] })}` },
  });
  t.same(admin.json(), { subject: 'person:admin' });
});

void t.test('hostile and broken tokens are refused with a reason, never a 500', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  const valid = testToken({ office: 'VPTU-CM' });
  const [header, payload, signature] = valid.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const otherKey = generateKeyPairSync('ed25519').privateKey;
  const publicDer = createPublicKey(testIssuerKey).export({ format: 'der', type: 'spki' });
  const hmacInput = `${b64({ alg: 'HS256', kid: 'test' })}.${payload}`;
  const cases: [string, string, RegExp][] = [
    ['garbage', 'not-a-token', /compact JWS/],
    ['two parts', `${header}.${payload}`, /compact JWS/],
    ['header not base64url', `a+b/.${payload}.${signature}`, /header is not base64url/],
    ['header not JSON', `${Buffer.from('{nope').toString('base64url')}.${payload}.${signature}`, /header is not JSON/],
    ['header an array', `${b64([1])}.${payload}.${signature}`, /not a JSON object/],
    ['alg none', `${b64({ alg: 'none', kid: 'test' })}.${payload}.`, /algorithm "none" is not the key's/],
    [
      'HS256 keyed with the public key (algorithm confusion)',
      `${hmacInput}.${createHmac('sha256', publicDer).update(hmacInput).digest('base64url')}`,
      /algorithm "HS256" is not the key's/,
    ],
    ['unknown kid', `${b64({ alg: 'EdDSA', kid: 'other' })}.${payload}.${signature}`, /key this service does not know/],
    [
      'critical header',
      `${b64({ alg: 'EdDSA', kid: 'test', crit: ['exp'] })}.${payload}.${signature}`,
      /critical header/,
    ],
    [
      'typ of another kind',
      `${b64({ alg: 'EdDSA', kid: 'test', typ: 'dpop+jwt' })}.${payload}.${signature}`,
      /not a JWT access token/,
    ],
    [
      'payload changed to another office',
      `${header}.${b64({ ...claims, office: 'VPTU-HN' })}.${signature}`,
      /signature does not verify/,
    ],
    ['signature truncated', `${header}.${payload}.${signature.slice(0, 20)}`, /signature does not verify/],
    [
      'signed by another key with our kid',
      signAccessToken({ ...claims, exp: exp() } as never, { privateKey: otherKey, kid: 'test' }),
      /signature does not verify/,
    ],
    [
      'expired',
      testToken({}, { iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 }),
      /expired/,
    ],
    ['not valid yet', testToken({}, { nbf: Math.floor(Date.now() / 1000) + 3600 }), /not valid yet/],
    ['another issuer', testToken({}, { iss: 'someone-else' }), /another issuer/],
    ['another audience', testToken({}, { aud: ['archive-only'] }), /another audience/],
    ['no expiry', testToken({}, { exp: 'never' as never }), /no expiry/],
    ['bad office', testToken({ office: '../../etc' }), /names no office/],
    ['bad roles', testToken({ roles: ['ADMIN; DROP'] }), /roles are malformed/],
    ['too long', `${header}.${'A'.repeat(9000)}.${signature}`, /too long/],
  ];
  for (const [name, token, reason] of cases) {
    const answer = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${token}` },
    });
    t.equal(answer.statusCode, 401, name);
    t.match(answer.json().detail, reason, name);
    t.match(answer.headers['www-authenticate'], /error="invalid_(token|request)"/, name);
  }
});

void t.test('ES256 and RSA issuers are accepted; the key is chosen by kid', async (t) => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const keys = JSON.stringify({
    keys: [JSON.parse(publicJwks(ec, 'ec-1')).keys[0], JSON.parse(publicJwks(rsa, 'rsa-1')).keys[0]],
  });
  const app = await appWith({ keys: parseJwks(keys), issuer: 'idp', audience: testAudience });
  t.teardown(() => app.close());
  for (const [kid, privateKey] of [
    ['ec-1', ec],
    ['rsa-1', rsa],
  ] as const) {
    const token = signAccessToken(
      { iss: 'idp', aud: testAudience, sub: `system:${kid}`, office: 'VPTU-CM', roles: [], exp: exp() },
      { privateKey, kid },
    );
    const answer = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${token}` },
    });
    t.equal(answer.json().principal.subject, `system:${kid}`, kid);
  }
  const swapped = signAccessToken(
    { iss: 'idp', aud: testAudience, sub: 'x', office: 'VPTU-CM', roles: [], exp: exp() },
    { privateKey: ec, kid: 'rsa-1' },
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/v1/whoami', headers: { authorization: `Bearer ${swapped}` } }))
      .statusCode,
    401,
  );
});

void t.test('audience, lifetime and iat: each refusal is a 401 whose code names the rule', async (t) => {
  const app = await appWith({ ...testAuthConfig, maxLifetimeSeconds: 900 });
  t.teardown(() => app.close());
  const now = Math.floor(Date.now() / 1000);
  const rawToken = (claims: Record<string, unknown>): string => {
    // signAccessToken fills in iat; these tokens must be able to lack it.
    const header = b64({ alg: 'EdDSA', typ: 'at+jwt', kid: 'test' });
    const body = b64({ iss: 'lienthong', aud: testAudience, sub: 'system:x', office: 'VPTU-CM', roles: [], ...claims });
    const signature = sign(null, Buffer.from(`${header}.${body}`), testIssuerKey).toString('base64url');
    return `${header}.${body}.${signature}`;
  };
  const cases: [string, string, string, RegExp][] = [
    ['wrong audience', testToken({}, { aud: 'lienthong-archive' }), 'TOKEN_WRONG_AUDIENCE', /another audience/],
    [
      'audience list without us',
      testToken({}, { aud: ['lienthong-intake', 'lienthong'] }),
      'TOKEN_WRONG_AUDIENCE',
      /another audience/,
    ],
    ['no aud', rawToken({ aud: undefined, iat: now, exp: now + 60 }), 'TOKEN_WRONG_AUDIENCE', /names no audience/],
    ['lifetime too long', testToken({}, { iat: now, exp: now + 901 }), 'TOKEN_BAD_LIFETIME', /longer than the 900 s/],
    ['iat in the future', testToken({}, { iat: now + 3600, exp: now + 3700 }), 'TOKEN_BAD_IAT', /issued in the future/],
    ['iat missing', rawToken({ exp: now + 60 }), 'TOKEN_BAD_IAT', /not when it was issued/],
    ['iat not a number', rawToken({ iat: 'yesterday', exp: now + 60 }), 'TOKEN_BAD_IAT', /not when it was issued/],
    ['exp before iat', testToken({}, { iat: now - 100, exp: now - 200 }), 'TOKEN_BAD_LIFETIME', /expires before/],
    ['exp equal to iat', testToken({}, { iat: now, exp: now }), 'TOKEN_BAD_LIFETIME', /expires before/],
  ];
  for (const [name, token, code, reason] of cases) {
    const answer = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${token}` },
    });
    t.equal(answer.statusCode, 401, name);
    t.match(answer.headers['content-type'], /application\/problem\+json/, name);
    t.match(answer.json(), { code, detail: reason }, name);
    t.match(answer.headers['www-authenticate'], /error="invalid_token"/, name);
  }
  const accepted: [string, string][] = [
    ['exactly the maximum lifetime', testToken({}, { iat: now, exp: now + 900 })],
    ['iat a little ahead (within skew)', testToken({}, { iat: now + 30, exp: now + 600 })],
    ['our audience among others', testToken({}, { aud: ['lienthong-intake', testAudience], iat: now, exp: now + 600 })],
  ];
  for (const [name, token] of accepted) {
    const answer = await app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${token}` },
    });
    t.equal(answer.statusCode, 200, name);
  }
});

void t.test('without a configured maximum, a token may live one hour and not longer', async (t) => {
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  const now = Math.floor(Date.now() / 1000);
  const call = (exp: number) =>
    app.inject({
      method: 'GET',
      url: '/v1/whoami',
      headers: { authorization: `Bearer ${testToken({}, { iat: now, exp })}` },
    });
  t.equal((await call(now + 3600)).statusCode, 200);
  t.equal((await call(now + 3601)).json().code, 'TOKEN_BAD_LIFETIME');
  t.equal((await call(now + 30 * 86_400)).json().code, 'TOKEN_BAD_LIFETIME', 'a 30-day token is refused');
});

void t.test('a public route with optionalToken: anonymous is welcome, a sent token is verified', async (t) => {
  const app = await createServiceApp({
    name: 'test',
    version: '0.0.0',
    config: { logLevel: 'silent', auth: testAuthConfig },
  });
  t.teardown(() => app.close());
  app.get('/v1/open', { config: { public: true, optionalToken: true } }, async (request) => ({
    office: request.principal?.office ?? null,
  }));
  app.get('/v1/plain', { config: { public: true } }, async (request) => ({
    office: request.principal?.office ?? null,
  }));
  const call = (url: string, authorization?: string) =>
    app.inject({ method: 'GET', url, headers: authorization === undefined ? {} : { authorization } });
  t.same((await call('/v1/open')).json(), { office: null }, 'no token: anonymous');
  t.same((await call('/v1/open', `Bearer ${testToken({ office: 'VPTU-CM' })}`)).json(), { office: 'VPTU-CM' });
  const bad = await call('/v1/open', 'Bearer not-a-token');
  t.equal(bad.statusCode, 401, 'a bad token is refused, not ignored');
  t.equal(bad.json().code, 'UNAUTHENTICATED');
  const foreign = await call('/v1/open', `Bearer ${testToken({}, { aud: 'lienthong-archive' })}`);
  t.equal(foreign.json().code, 'TOKEN_WRONG_AUDIENCE');
  t.same((await call('/v1/plain', 'Bearer not-a-token')).json(), { office: null }, 'plain public routes ignore tokens');
  await app.ready();
  const doc = app.swagger() as { paths: Record<string, { get: { security: unknown } }> };
  t.same(doc.paths['/v1/open']!.get.security, [{}, { accessToken: [] }], 'the API document says the token is optional');
});

void t.test(
  'a token accepted once is still checked at every use: expiry, audience and a forged signature',
  async (t) => {
    const now = Math.floor(Date.now() / 1000);
    const token = testToken(
      { subject: 'system:vptu-cm', office: 'VPTU-CM', roles: ['office-system'] },
      { iat: now, exp: now + 600 },
    );
    const verify = accessTokenVerifier(testAuthConfig);
    const at = (seconds: number) => new Date(seconds * 1000);
    t.match(verify(token, at(now)), { sub: 'system:vptu-cm', office: 'VPTU-CM', roles: ['office-system'] });
    t.throws(() => verify(token, at(now + 700)), { name: 'AccessTokenError', message: 'the token has expired' });
    // The refusal forgot it; within its lifetime it is good again.
    t.match(verify(token, at(now + 10)), { sub: 'system:vptu-cm' });
    t.ok(Object.isFrozen(verify(token, at(now)).roles), 'the shared claims cannot be changed by a caller');

    // The same claims with another signature are not the token that was verified.
    const [header, payload, signature] = token.split('.') as [string, string, string];
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    t.throws(() => verify(`${header}.${payload}.${flipped}`, at(now)), { message: /signature does not verify/ });
    t.throws(() => verify(`${header}.${payload}.${flipped}`, at(now)), { message: /signature does not verify/ });

    // Another service's verifier refuses it on its audience, at every use.
    const elsewhere = accessTokenVerifier({ ...testAuthConfig, audience: 'lienthong-elsewhere' });
    for (let i = 0; i < 2; i++)
      t.throws(() => elsewhere(token, at(now)), { name: 'AccessTokenError', rule: 'audience' });

    // A small cache forgets the oldest token; a forgotten one is verified again, not refused.
    const small = accessTokenVerifier(testAuthConfig, 1);
    const other = testToken({ subject: 'system:other' }, { iat: now, exp: now + 600 });
    t.equal(small(token, at(now)).sub, 'system:vptu-cm');
    t.equal(small(other, at(now)).sub, 'system:other');
    t.equal(small(token, at(now)).sub, 'system:vptu-cm');
  },
);

void t.test('through the hook, the same bearer token is refused once it has expired', async (t) => {
  let clock = new Date();
  const authenticate = bearerTokenAuthenticator(testAuthConfig, () => clock);
  const token = testToken({ subject: 'system:vptu-cm', office: 'VPTU-CM', roles: ['office-system'] });
  const challenges: string[] = [];
  const request = { headers: { authorization: `Bearer ${token}` } } as unknown as FastifyRequest;
  const reply = { header: (_name: string, value: string) => void challenges.push(value) } as unknown as FastifyReply;
  t.same(authenticate(request, reply), { subject: 'system:vptu-cm', office: 'VPTU-CM', roles: ['office-system'] });
  clock = new Date(clock.getTime() + 2 * 3600 * 1000);
  t.throws(() => authenticate(request, reply), { code: 'UNAUTHENTICATED', detail: 'the token has expired' });
  t.match(challenges, [/error="invalid_token"/]);
});

void t.test('a route with its own token check: its tokens only there, the service tokens never there', async (t) => {
  const second = generateKeyPairSync('ed25519').privateKey;
  const secondConfig: AuthConfig = {
    keys: parseJwks(publicJwks(second, 'second')),
    issuer: 'lienthong-other',
    audience: testAudience,
    maxLifetimeSeconds: 600,
  };
  const app = await appWith(testAuthConfig);
  t.teardown(() => app.close());
  app.post('/v1/own', { config: { authenticate: bearerTokenAuthenticator(secondConfig) } }, async (request) => ({
    principal: request.principal,
  }));
  const secondToken = signAccessToken(
    { iss: 'lienthong-other', aud: testAudience, sub: 'service:other', office: 'VPTU-CM', roles: [], exp: exp() },
    { privateKey: second, kid: 'second' },
  );
  const call = (method: 'GET' | 'POST', url: string, token: string) =>
    app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${token}` },
      payload: method === 'POST' ? {} : undefined,
    });
  const own = await call('POST', '/v1/own', secondToken);
  t.equal(own.statusCode, 200, own.body);
  t.match(own.json(), { principal: { subject: 'service:other', office: 'VPTU-CM' } });
  const ordinary = await call('POST', '/v1/own', testToken({ office: 'VPTU-CM' }));
  t.equal(ordinary.statusCode, 401, "the service's own tokens are not good on that route");
  t.match(ordinary.json(), { code: 'UNAUTHENTICATED' });
  t.equal(ordinary.headers['www-authenticate'], 'Bearer realm="lienthong", error="invalid_token"');
  const elsewhere = await call('GET', '/v1/whoami', secondToken);
  t.equal(elsewhere.statusCode, 401, "the route's tokens are good nowhere else");
  t.equal((await app.inject({ method: 'POST', url: '/v1/own', payload: {} })).statusCode, 401, 'no token');
});
