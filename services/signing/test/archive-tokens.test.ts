/**
 * The archive's own tokens (LIENTHONG_SIGNING_ARCHIVE_JWKS, issuer lienthong-archive, role
 * archive-keeper): good on `POST /v1/verify/pdf` (the validation report at ingest) and
 * `POST /v1/tsa`, refused on every other route; access tokens work there as before.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import { PDFDocument } from 'pdf-lib';
import { buildTimeStampRequest } from '@lienthong/pki';
import { ConfigError, publicJwks, signAccessToken } from '@lienthong/service';
import type { AccessTokenRequest } from '@lienthong/service';
import { loadSigningConfig } from '../src/config.ts';
import { authHeader, testAuthEnv } from '../../../test/support/auth.ts';
import { signingForFile, testKek } from './support.ts';

const archiveKey = generateKeyPairSync('ed25519').privateKey;
const deliveryKey = generateKeyPairSync('ed25519').privateKey;
const { app } = await signingForFile(t, {
  LIENTHONG_SIGNING_ARCHIVE_JWKS: publicJwks(archiveKey, 'archive-1'),
  LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(deliveryKey, 'delivery-1'),
});

/** A token as the archive mints it (iss lienthong-archive, 300 s), claims overridable. */
function archiveToken(overrides: Partial<AccessTokenRequest> = {}, key = archiveKey): string {
  const iat = Math.floor(Date.now() / 1000);
  return signAccessToken(
    {
      iss: 'lienthong-archive',
      sub: 'service:archive',
      aud: 'lienthong-signing',
      office: 'VPTU-CM',
      roles: ['archive-keeper'],
      iat,
      exp: iat + 300,
      ...overrides,
    },
    { privateKey: key, kid: 'archive-1' },
  );
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const document = await PDFDocument.create();
document.addPage([595, 842]).drawText('Cong van', { x: 50, y: 780 });
const pdf = Buffer.from(await document.save());

const verifyPdf = (headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/v1/verify/pdf',
    headers: { ...headers, 'content-type': 'application/pdf' },
    payload: pdf,
  });
const stamp = (headers: Record<string, string>) =>
  app.inject({
    method: 'POST',
    url: '/v1/tsa',
    headers: { ...headers, 'content-type': 'application/timestamp-query' },
    payload: Buffer.from(
      buildTimeStampRequest({ hash: 'sha256', imprint: createHash('sha256').update('record').digest() }),
    ),
  });

void t.test('an archive token gets a PDF report and a time-stamp; an access token still does', async (t) => {
  const report = await verifyPdf(bearer(archiveToken()));
  t.equal(report.statusCode, 200, report.body);
  t.match(report.json(), { indication: String, signatures: [] }, 'the report of an unsigned PDF');
  t.notOk(report.headers['www-authenticate'], 'no challenge on an answer');
  const byClerk = await verifyPdf(authHeader({ subject: 'person:clerk', office: 'VPTU-CM', roles: ['archivist'] }));
  t.equal(byClerk.statusCode, 200, 'access tokens as before');
  t.same(byClerk.json().indication, report.json().indication);
  const stamped = await stamp(bearer(archiveToken()));
  t.equal(stamped.statusCode, 200, 'the TSA answers the archive');
  t.equal(stamped.headers['content-type'], 'application/timestamp-reply');
  t.equal((await stamp(bearer(archiveToken({}, deliveryKey)))).statusCode, 401, 'not with another key');
});

void t.test('a bad archive token is refused on the two routes, and no access token either', async (t) => {
  const now = Math.floor(Date.now() / 1000);
  const cases: Array<[string, Record<string, string>, number, string]> = [
    ['no token', {}, 401, 'UNAUTHENTICATED'],
    ['another issuer', bearer(archiveToken({ iss: 'lienthong-delivery' })), 401, 'UNAUTHENTICATED'],
    ['expired', bearer(archiveToken({ iat: now - 1000, exp: now - 700 })), 401, 'UNAUTHENTICATED'],
    // As on the TSA for delivery's tokens: when no check accepts a token, the access token's refusal is the answer.
    ['a lifetime over 600 s', bearer(archiveToken({ iat: now, exp: now + 3600 })), 401, 'UNAUTHENTICATED'],
    [
      'forged: another key',
      bearer(archiveToken({}, generateKeyPairSync('ed25519').privateKey)),
      401,
      'UNAUTHENTICATED',
    ],
    ['without the archive-keeper role', bearer(archiveToken({ roles: ['registry'] })), 403, 'FORBIDDEN'],
  ];
  for (const [why, headers, status, code] of cases) {
    const res = await verifyPdf(headers);
    t.equal(res.statusCode, status, `verify/pdf: ${why}`);
    t.match(res.json(), { code }, why);
  }
  const forbidden = await stamp(bearer(archiveToken({ roles: ['registry'] })));
  t.equal(forbidden.statusCode, 403, 'the TSA too wants the role');
});

void t.test('an archive token is no access token on any other route', async (t) => {
  const token = bearer(archiveToken({ roles: ['archive-keeper', 'registry', 'ca-admin', 'archivist'] }));
  const elsewhere = [
    await app.inject({ method: 'GET', url: '/v1/keys', headers: token }),
    await app.inject({ method: 'GET', url: '/v1/offices/self', headers: token }),
    await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: token, payload: {} }),
    await app.inject({
      method: 'POST',
      url: '/v1/verify',
      headers: token,
      payload: { signature: Buffer.from('not a cms').toString('base64') },
    }),
    await app.inject({
      method: 'POST',
      url: '/v1/pdf-extensions',
      headers: { ...token, 'content-type': 'application/pdf' },
      payload: pdf,
    }),
    await app.inject({
      method: 'POST',
      url: '/v1/evidence/signatures',
      headers: token,
      payload: { statements: ['e30='] },
    }),
  ];
  for (const res of elsewhere) {
    t.equal(res.statusCode, 401, `${res.raw.req?.url ?? ''}: an archive token is no access token`);
    t.match(res.json(), { code: 'UNAUTHENTICATED' });
  }
});

void t.test('LIENTHONG_SIGNING_ARCHIVE_JWKS is optional and read as a public JWK set', async (t) => {
  const env = {
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1:1/x',
    LIENTHONG_STORAGE_DIR: '/tmp/x',
    LIENTHONG_SIGNING_KEK: testKek,
    ...testAuthEnv,
  };
  t.equal(loadSigningConfig(env).archiveKeys, undefined, 'unset by default');
  t.equal(loadSigningConfig({ ...env, LIENTHONG_SIGNING_ARCHIVE_JWKS: '' }).archiveKeys, undefined, 'empty is missing');
  t.equal(
    loadSigningConfig({ ...env, LIENTHONG_SIGNING_ARCHIVE_JWKS: publicJwks(archiveKey, 'archive-1') }).archiveKeys
      ?.keys[0]?.kid,
    'archive-1',
  );
  const privateJwk = JSON.stringify({ keys: [{ ...archiveKey.export({ format: 'jwk' }), kid: 'x' }] });
  for (const bad of ['not json', privateJwk]) {
    try {
      loadSigningConfig({ ...env, LIENTHONG_SIGNING_ARCHIVE_JWKS: bad });
      t.fail('accepted');
    } catch (error) {
      t.ok(error instanceof ConfigError);
      t.match((error as Error).message, /LIENTHONG_SIGNING_ARCHIVE_JWKS/);
      t.notMatch((error as Error).message, /"d":/, 'no key material in the message');
    }
  }
});
