// `lienthong token`: an issuer key, its JWK set for the services, and tokens they accept.
import t from 'tap';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJwks, verifyAccessToken } from '@lienthong/service/access-token';
import { lienthong } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-token-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

void t.test('keygen → jwks → issue makes a token the services accept', async (t) => {
  const keygen = lienthong(dir, ['token', 'keygen', 'issuer.pem']);
  t.equal(keygen.code, 0, keygen.stderr);
  t.equal(statSync(join(dir, 'issuer.pem')).mode & 0o777, 0o600, 'the key is 0600');
  t.notMatch(keygen.stdout, /PRIVATE KEY/, 'the key is not printed');
  const jwks = lienthong(dir, ['token', 'jwks', 'issuer.pem', '--kid', 'k1']);
  t.equal(jwks.code, 0, jwks.stderr);
  t.notMatch(jwks.stdout, /"d"/, 'only the public half');
  const issued = lienthong(dir, [
    'token',
    'issue',
    '--key',
    'issuer.pem',
    '--kid',
    'k1',
    '--subject',
    'person:nhung',
    '--office',
    'VPTU-CM',
    '--role',
    'signer',
    '--role',
    'registry',
    '--name',
    'Nguyễn Thị Hồng Nhung',
    '--service',
    'signing',
    '--ttl',
    '8h',
  ]);
  t.equal(issued.code, 0, issued.stderr);
  t.match(
    issued.stderr,
    /LIENTHONG_AUTH_MAX_LIFETIME_SECONDS >= 28800/,
    'a token over an hour says what services need',
  );
  const claims = verifyAccessToken(issued.stdout.trim(), {
    keys: parseJwks(jwks.stdout),
    issuer: 'lienthong',
    audience: 'lienthong-signing',
    maxLifetimeSeconds: 8 * 3600,
  });
  t.match(claims, {
    sub: 'person:nhung',
    office: 'VPTU-CM',
    roles: ['signer', 'registry'],
    name: 'Nguyễn Thị Hồng Nhung',
  });
  t.ok(claims.exp - Date.now() / 1000 > 7.9 * 3600 && claims.exp - Date.now() / 1000 <= 8 * 3600, 'lives 8 hours');
  t.equal(claims.exp - claims.iat!, 8 * 3600, 'iat is set, exp - iat is the ttl');
  t.equal(claims.aud, 'lienthong-signing');
  t.equal(lienthong(dir, ['token', 'keygen', 'issuer.pem']).code, 2, 'an existing key is not overwritten');
});

void t.test('bad input: one line naming the problem, exit 2', async (t) => {
  writeFileSync(join(dir, 'not-a-key.pem'), 'hello');
  lienthong(dir, ['token', 'keygen', 'good.pem']);
  const cases: [string[], RegExp][] = [
    [['token', 'issue', '--key', 'not-a-key.pem', '--subject', 's', '--office', 'O'], /BAD_TOKEN_KEY/],
    [['token', 'issue', '--key', 'missing.pem', '--subject', 's', '--office', 'O'], /FILE_NOT_READABLE/],
    [['token', 'issue', '--key', 'good.pem', '--office', 'O'], /--subject is required/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', '../etc'], /--office/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', 'O', '--role', 'Admin'], /--role Admin/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', 'O', '--ttl', 'forever'], /--ttl forever/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', 'O', '--ttl', '8d'], /at most 7d/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', 'O'], /--service NAME or --audience AUD/],
    [['token', 'issue', '--key', 'good.pem', '--subject', 's', '--office', 'O', '--service', 'ca'], /--service ca/],
    [['token', 'jwks'], /expected KEY/],
    [['token', 'frobnicate'], /unknown command "token frobnicate"/],
  ];
  for (const [args, expected] of cases) {
    const run = lienthong(dir, args);
    t.equal(run.code, 2, args.join(' '));
    t.match(run.stderr, expected, args.join(' '));
    t.equal(run.stderr.trim().split('\n').length, 1, 'one line');
  }
  t.equal(lienthong(dir, ['token', '--help']).code, 0);
});

void t.test('by default a token is for the named services and lives one hour, what the services accept', async (t) => {
  lienthong(dir, ['token', 'keygen', 'default.pem']);
  const jwks = parseJwks(lienthong(dir, ['token', 'jwks', 'default.pem']).stdout);
  const issued = lienthong(dir, [
    'token',
    'issue',
    '--key',
    'default.pem',
    '--subject',
    'system:vptu',
    '--office',
    'VPTU-CM',
    '--service',
    'intake',
    '--service',
    'signing',
    '--audience',
    'https://idp.example.vn/archive',
  ]);
  t.equal(issued.code, 0, issued.stderr);
  t.equal(issued.stderr, '', 'no note for a token within the default maximum');
  const token = issued.stdout.trim();
  for (const audience of ['lienthong-intake', 'lienthong-signing', 'https://idp.example.vn/archive']) {
    const claims = verifyAccessToken(token, { keys: jwks, issuer: 'lienthong', audience });
    t.equal(claims.exp - claims.iat!, 3600, audience);
  }
  t.throws(
    () => verifyAccessToken(token, { keys: jwks, issuer: 'lienthong', audience: 'lienthong-delivery' }),
    /another audience/,
    'a service it does not name refuses it',
  );
});
