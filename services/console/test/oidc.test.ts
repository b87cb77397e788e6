/**
 * The identity provider's login, on the console's side: its settings all or none (each problem
 * named by its variable), `GET /session/oidc` giving the public client's settings or 404 when
 * none, the callback page served (never cached) only when configured, and the CSP letting the
 * page fetch from the provider's origin only when one is configured.
 */
import t from 'tap';
import { ConfigError } from '@lienthong/service';
import { loadConsoleConfig } from '../src/config.ts';
import { consoleApp } from './support.ts';

const idp = {
  LIENTHONG_CONSOLE_OIDC_ISSUER: 'https://login.example.vn/realms/tinh-uy',
  LIENTHONG_CONSOLE_OIDC_CLIENT_ID: 'lienthong-console',
};

void t.test('configured: issuer as given, scope openid by default, resource and audience when given', async (t) => {
  t.same(loadConsoleConfig(idp).oidc, { ...idp_(), scope: 'openid' });
  const full = loadConsoleConfig({
    ...idp,
    LIENTHONG_CONSOLE_OIDC_SCOPE: 'openid profile',
    LIENTHONG_CONSOLE_OIDC_RESOURCE: 'https://intake.example.vn  https://signing.example.vn',
    LIENTHONG_CONSOLE_OIDC_AUDIENCE: 'lienthong',
  }).oidc;
  t.same(full, {
    ...idp_(),
    scope: 'openid profile',
    resource: ['https://intake.example.vn', 'https://signing.example.vn'],
    audience: 'lienthong',
  });
  t.equal(loadConsoleConfig({}).oidc, undefined, 'none by default');
  for (const issuer of ['http://127.0.0.1:9000', 'http://localhost:9000/idp', 'http://[::1]:9000/'])
    t.equal(loadConsoleConfig({ ...idp, LIENTHONG_CONSOLE_OIDC_ISSUER: issuer }).oidc?.issuer, issuer, issuer);
});

function idp_() {
  return { issuer: idp.LIENTHONG_CONSOLE_OIDC_ISSUER, clientId: idp.LIENTHONG_CONSOLE_OIDC_CLIENT_ID };
}

/** The variables a ConfigError names. */
function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConsoleConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.variable);
    throw error;
  }
  return [];
}

void t.test('all or nothing: half a provider, or its options alone, stop the start', async (t) => {
  t.same(problemsOf({ LIENTHONG_CONSOLE_OIDC_ISSUER: idp.LIENTHONG_CONSOLE_OIDC_ISSUER }), [
    'LIENTHONG_CONSOLE_OIDC_CLIENT_ID',
  ]);
  t.same(problemsOf({ LIENTHONG_CONSOLE_OIDC_CLIENT_ID: 'x' }), ['LIENTHONG_CONSOLE_OIDC_ISSUER']);
  t.same(problemsOf({ LIENTHONG_CONSOLE_OIDC_SCOPE: 'openid', LIENTHONG_CONSOLE_OIDC_AUDIENCE: 'a' }), [
    'LIENTHONG_CONSOLE_OIDC_SCOPE',
    'LIENTHONG_CONSOLE_OIDC_AUDIENCE',
  ]);
  t.same(problemsOf({ LIENTHONG_CONSOLE_OIDC_RESOURCE: 'https://intake.example.vn' }), [
    'LIENTHONG_CONSOLE_OIDC_RESOURCE',
  ]);
  t.throws(() => loadConsoleConfig({ LIENTHONG_CONSOLE_OIDC_CLIENT_ID: 'x' }), {
    message: /LIENTHONG_CONSOLE_OIDC_ISSUER is required with LIENTHONG_CONSOLE_OIDC_CLIENT_ID/,
  });
  t.same(problemsOf({ LIENTHONG_CONSOLE_OIDC_SCOPE: '' }), [], 'an empty variable is an unset one');
});

void t.test(
  'refused: a plain-http or odd issuer, a client id or scope that cannot be sent, bad resources',
  async (t) => {
    for (const [name, value] of [
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'http://login.example.vn'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'http://127.0.0.2.example.vn'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'https://login.example.vn/?realm=x'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'https://login.example.vn/#x'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'https://user:pw@login.example.vn'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'javascript:alert(1)'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', 'login.example.vn'],
      ['LIENTHONG_CONSOLE_OIDC_ISSUER', `https://login.example.vn/${'a'.repeat(3000)}`],
      ['LIENTHONG_CONSOLE_OIDC_CLIENT_ID', 'two words'],
      ['LIENTHONG_CONSOLE_OIDC_CLIENT_ID', 'x'.repeat(256)],
      ['LIENTHONG_CONSOLE_OIDC_SCOPE', 'profile email'],
      ['LIENTHONG_CONSOLE_OIDC_SCOPE', 'openid "quoted"'],
      ['LIENTHONG_CONSOLE_OIDC_SCOPE', 'openid\u00a0profile'],
      ['LIENTHONG_CONSOLE_OIDC_RESOURCE', 'intake'],
      ['LIENTHONG_CONSOLE_OIDC_RESOURCE', 'https://intake.example.vn#v1'],
      ['LIENTHONG_CONSOLE_OIDC_AUDIENCE', 'a b'],
    ] as const) {
      t.same(problemsOf({ ...idp, [name]: value }), [name], `${name}=${value.slice(0, 60)}`);
    }
    t.throws(() => loadConsoleConfig({ ...idp, LIENTHONG_CONSOLE_OIDC_ISSUER: 'http://login.example.vn' }), {
      message: /https:\/\/ URL \(http:\/\/ only on loopback/,
    });
  },
);

void t.test('GET /session/oidc: 204 and nothing when not configured, the public settings when it is', async (t) => {
  const bare = await consoleApp(t);
  const none = await bare.inject({ method: 'GET', url: '/session/oidc' });
  t.equal(none.statusCode, 204);
  t.equal(none.body, '');
  t.equal((await bare.inject({ method: 'GET', url: '/oidc/callback?code=x&state=y' })).statusCode, 404);

  const app = await consoleApp(t, { ...idp, LIENTHONG_CONSOLE_OIDC_RESOURCE: 'https://intake.example.vn' });
  const res = await app.inject({ method: 'GET', url: '/session/oidc' });
  t.equal(res.statusCode, 200);
  t.equal(res.headers['cache-control'], 'no-store');
  t.same(res.json(), {
    ...idp_(),
    scope: 'openid',
    resource: ['https://intake.example.vn'],
    redirectPath: '/oidc/callback',
  });
  t.equal((await app.inject({ method: 'POST', url: '/session/oidc' })).statusCode, 404);
});

void t.test('the callback is the page itself, never cached, with the same headers', async (t) => {
  const app = await consoleApp(t, idp);
  const res = await app.inject({ method: 'GET', url: '/oidc/callback?code=abc&state=def' });
  t.equal(res.statusCode, 200);
  t.match(res.headers['content-type'], /text\/html/);
  t.match(res.body, /<html lang="vi">/);
  t.equal(res.headers['cache-control'], 'no-store');
  t.equal(res.headers['referrer-policy'], 'no-referrer');
  t.match(String(res.headers['content-security-policy']), /default-src 'none'/);
  t.equal((await app.inject({ method: 'GET', url: '/oidc/callback/../../etc/passwd' })).statusCode, 404);
});

void t.test("CSP connect-src: 'self' only, and the provider's origin when one is configured", async (t) => {
  const connectSrc = (csp: unknown) => /connect-src ([^;]*)/.exec(String(csp))?.[1];
  const bare = await consoleApp(t);
  t.equal(connectSrc((await bare.inject({ method: 'GET', url: '/' })).headers['content-security-policy']), "'self'");
  const app = await consoleApp(t, idp);
  for (const url of ['/', '/oidc/callback', '/session/oidc', '/api/intake/v1/x'])
    t.equal(
      connectSrc((await app.inject({ method: 'GET', url })).headers['content-security-policy']),
      "'self' https://login.example.vn",
      url,
    );
  const loopback = await consoleApp(t, { ...idp, LIENTHONG_CONSOLE_OIDC_ISSUER: 'http://127.0.0.1:9000/idp' });
  t.equal(
    connectSrc((await loopback.inject({ method: 'GET', url: '/' })).headers['content-security-policy']),
    "'self' http://127.0.0.1:9000",
  );
});
