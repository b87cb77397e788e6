/**
 * A small but real OpenID Connect provider for the console's browser test, on a loopback port:
 * discovery, an authorization endpoint whose login page signs in one fixed person (or lets them
 * refuse), a token endpoint that checks the code (one use, one minute), the client, the
 * redirect URI and the PKCE verifier (S256 only) and answers CORS as a browser client needs,
 * and its JWK set. Its access tokens are the services' own kind (RFC 9068, libs/service's
 * `signAccessToken`): the person's office, roles and name, the four services' audiences, and
 * the issuer the services are configured with; its ID tokens are RS256 for the client.
 */
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serviceAudience, signAccessToken } from '@lienthong/service';

/** Who the provider signs in. */
export interface IdpPerson {
  sub: string;
  office: string;
  roles: string[];
  name: string;
}

/** One call of the token endpoint, as the test reads it afterwards. */
export interface TokenRequest {
  code: string;
  /** `ok`, or the OAuth error answered. */
  outcome: string;
}

/** A running provider. */
export interface TestIdp {
  /** Its issuer identifier (`http://127.0.0.1:<port>`). */
  issuer: string;
  /** The public key of its tokens (kid `test-idp`), for the services' `LIENTHONG_AUTH_JWKS`. */
  jwk: JsonWebKey;
  /** Registers a public client and its one redirect URI. */
  register(clientId: string, redirectUri: string): void;
  /** The person signed in at the next login (changeable between logins). */
  person: IdpPerson;
  /** The access token's lifetime, in seconds (600 by default). */
  lifetimeSeconds: number;
  /** What the login page's "Từ chối" answers (`access_denied` by default). */
  refusal: { error: string; error_description?: string };
  /** Every call of the token endpoint. */
  tokenRequests: TokenRequest[];
  close(): Promise<void>;
}

const kid = 'test-idp';

function jws(header: object, claims: object, key: KeyObject): string {
  const input = `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

async function bodyOf(request: IncomingMessage): Promise<URLSearchParams> {
  let text = '';
  for await (const chunk of request) {
    text += String(chunk);
    if (text.length > 16_384) throw new Error('body too large');
  }
  return new URLSearchParams(text);
}

/**
 * Starts the provider. `accessTokenIssuer` is the `iss` of its access tokens: the one the
 * services expect (LIENTHONG_AUTH_ISSUER, `lienthong` in the suite), as a deployment sets it to
 * its provider's.
 */
export async function startTestIdp(
  t: { teardown(fn: () => unknown): void },
  options: { person: IdpPerson; accessTokenIssuer?: string; services?: readonly string[] },
): Promise<TestIdp> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk: JsonWebKey = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  const clients = new Map<string, string>();
  const codes = new Map<
    string,
    { clientId: string; redirectUri: string; challenge: string; nonce: string; person: IdpPerson; expires: number }
  >();
  const audiences = (options.services ?? ['intake', 'signing', 'delivery', 'archive']).map(serviceAudience);
  let issuer = '';

  const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      'access-control-allow-origin': '*',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  /** Back to the client with `params` (and RFC 9207's iss), or a plain 400 when the client is unknown. */
  const backTo = (res: ServerResponse, redirectUri: string, params: Record<string, string>) => {
    const url = new URL(redirectUri);
    for (const [name, value] of Object.entries({ ...params, iss: issuer })) url.searchParams.set(name, value);
    res.writeHead(303, { location: url.href });
    res.end();
  };
  const loginPage = (res: ServerResponse, q: URLSearchParams, person: IdpPerson) => {
    const hidden = ['client_id', 'redirect_uri', 'state', 'nonce', 'code_challenge']
      .map((n) => `<input type="hidden" name="${n}" value="${escapeHtml(q.get(n) ?? '')}">`)
      .join('');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(
      `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>Hệ thống xác thực (thử nghiệm)</title></head>` +
        `<body><main><h1>Đăng nhập</h1><p>${escapeHtml(person.name)} (${escapeHtml(person.office)})</p>` +
        `<form method="post" action="/authorize">${hidden}` +
        `<button type="submit" name="decision" value="allow">Đồng ý</button> ` +
        `<button type="submit" name="decision" value="deny">Từ chối</button></form></main></body></html>`,
    );
  };

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', issuer);
      if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer,
          authorization_endpoint: `${issuer}/authorize`,
          token_endpoint: `${issuer}/token`,
          jwks_uri: `${issuer}/jwks`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code'],
          subject_types_supported: ['public'],
          id_token_signing_alg_values_supported: ['RS256'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          scopes_supported: ['openid'],
          authorization_response_iss_parameter_supported: true,
        });
      }
      if (req.method === 'GET' && url.pathname === '/jwks') return json(res, 200, { keys: [jwk] });
      if (url.pathname === '/authorize' && (req.method === 'GET' || req.method === 'POST')) {
        const q = req.method === 'GET' ? url.searchParams : await bodyOf(req);
        const clientId = q.get('client_id') ?? '';
        const redirectUri = q.get('redirect_uri') ?? '';
        // An unknown client or redirect URI is never redirected to (RFC 6749 §4.1.2.1).
        if (clients.get(clientId) !== redirectUri) {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
          return res.end('unknown client_id or redirect_uri');
        }
        const state = q.get('state') ?? '';
        if (req.method === 'GET') {
          if (q.get('response_type') !== 'code')
            return backTo(res, redirectUri, { error: 'unsupported_response_type', state });
          if (!(q.get('scope') ?? '').split(' ').includes('openid'))
            return backTo(res, redirectUri, { error: 'invalid_scope', state });
          if (q.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}$/.test(q.get('code_challenge') ?? ''))
            return backTo(res, redirectUri, {
              error: 'invalid_request',
              error_description: 'PKCE S256 required',
              state,
            });
          return loginPage(res, q, idp.person);
        }
        if (q.get('decision') !== 'allow') return backTo(res, redirectUri, { ...idp.refusal, state });
        const code = randomBytes(32).toString('base64url');
        codes.set(code, {
          clientId,
          redirectUri,
          challenge: q.get('code_challenge') ?? '',
          nonce: q.get('nonce') ?? '',
          person: idp.person,
          expires: Date.now() + 60_000,
        });
        return backTo(res, redirectUri, { code, state });
      }
      if (url.pathname === '/token' && req.method === 'OPTIONS') {
        res.writeHead(204, {
          'access-control-allow-origin': '*',
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type, accept',
          'access-control-max-age': '600',
        });
        return res.end();
      }
      if (url.pathname === '/token' && req.method === 'POST') {
        const q = await bodyOf(req);
        const code = q.get('code') ?? '';
        const grant = codes.get(code);
        codes.delete(code);
        const refuse = (error: string, description: string) => {
          idp.tokenRequests.push({ code, outcome: error });
          json(res, 400, { error, error_description: description });
        };
        if (q.get('grant_type') !== 'authorization_code') return refuse('unsupported_grant_type', 'code only');
        if (grant === undefined || grant.expires < Date.now()) return refuse('invalid_grant', 'unknown or used code');
        if (q.get('client_id') !== grant.clientId) return refuse('invalid_grant', 'another client');
        if (q.get('redirect_uri') !== grant.redirectUri) return refuse('invalid_grant', 'another redirect_uri');
        const challenge = createHash('sha256')
          .update(q.get('code_verifier') ?? '')
          .digest('base64url');
        if (challenge !== grant.challenge) return refuse('invalid_grant', 'PKCE verifier does not match');
        const now = Math.floor(Date.now() / 1000);
        const { sub, office, roles, name } = grant.person;
        const accessClaims = {
          sub,
          office,
          roles,
          name,
          iss: options.accessTokenIssuer ?? 'lienthong',
          aud: audiences,
          exp: now + idp.lifetimeSeconds,
          client_id: grant.clientId,
          scope: 'openid',
        };
        const accessToken = signAccessToken(accessClaims, { privateKey, kid });
        const idToken = jws(
          { alg: 'RS256', typ: 'JWT', kid },
          { iss: issuer, sub, aud: grant.clientId, iat: now, exp: now + 300, auth_time: now, nonce: grant.nonce, name },
          privateKey,
        );
        idp.tokenRequests.push({ code, outcome: 'ok' });
        return json(res, 200, {
          access_token: accessToken,
          token_type: 'Bearer',
          expires_in: idp.lifetimeSeconds,
          id_token: idToken,
          scope: 'openid',
        });
      }
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const idp: TestIdp = {
    issuer,
    jwk,
    register: (clientId, redirectUri) => clients.set(clientId, redirectUri),
    person: options.person,
    lifetimeSeconds: 600,
    refusal: { error: 'access_denied' },
    tokenRequests: [],
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  t.teardown(() => idp.close());
  return idp;
}
