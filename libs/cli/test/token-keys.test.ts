// `lienthong token keys`: issuer keys rotated without downtime, checked with libs/service's verifier.
import t, { type Test } from 'tap';
import { chmodSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { accessTokenVerifier, parseJwks, verifyAccessToken } from '@lienthong/service/access-token';
import { run } from '../src/run.ts';
import { lienthong } from './helpers/cli.ts';

const root = mkdtempSync(join(tmpdir(), 'lienthong-token-keys-'));
t.teardown(() => rmSync(root, { recursive: true, force: true }));

/** `lienthong ARGS` in process (most cases here); the first test also runs the real command. */
async function cli(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: root,
    env: {},
  });
  return { code, stdout, stderr };
}

const issue = (dir: string): ReturnType<typeof cli> =>
  cli(['token', 'issue', '--keys', dir, '--subject', 'person:lan', '--office', 'VPTU', '--service', 'signing']);

const verifies = (token: string, jwks: string): boolean => {
  try {
    verifyAccessToken(token, { keys: parseJwks(jwks), issuer: 'lienthong', audience: 'lienthong-signing' });
    return true;
  } catch {
    return false;
  }
};

interface KeysJson {
  purpose: string;
  variable: string;
  current: string;
  keys: Array<{ kid: string; created: string; superseded: string | null; current: boolean }>;
  retired: string[];
  jwks: { keys: Array<Record<string, unknown>> };
}

const noPrivateKey = (t: Test, text: string): void => {
  t.notMatch(text, /PRIVATE KEY/, 'no PEM printed');
  t.notMatch(text, /"d"\s*:/, 'no private JWK member printed');
};

void t.test('init, rotate, retire: old tokens verify until their key is retired', async (t) => {
  const init = lienthong(root, ['token', 'keys', 'init', '--dir', 'auth']);
  t.equal(init.code, 0, init.stderr);
  noPrivateKey(t, init.stdout + init.stderr);
  t.match(init.stderr, /LIENTHONG_AUTH_JWKS/, 'says where the set goes');
  t.equal(statSync(join(root, 'auth')).mode & 0o777, 0o700, 'the folder is 0700');
  const files = readdirSync(join(root, 'auth'));
  const pem = files.filter((f) => f.endsWith('.pem'));
  t.equal(pem.length, 1, 'one key');
  t.equal(statSync(join(root, 'auth', pem[0]!)).mode & 0o777, 0o600, 'the key is 0600');
  t.equal(init.stdout.trim(), readFileSync(join(root, 'auth', 'jwks.json'), 'utf8').trim(), 'stdout is jwks.json');
  const firstJwks = init.stdout;

  const old = await issue('auth');
  t.equal(old.code, 0, old.stderr);
  const oldToken = old.stdout.trim();
  t.ok(verifies(oldToken, firstJwks), 'a token of the first key verifies');

  const rotate = await cli(['token', 'keys', 'rotate', '--dir', 'auth', '--json']);
  t.equal(rotate.code, 0, rotate.stderr);
  noPrivateKey(t, rotate.stdout + rotate.stderr);
  const rotated = JSON.parse(rotate.stdout) as KeysJson;
  t.equal(rotated.purpose, 'auth');
  t.equal(rotated.variable, 'LIENTHONG_AUTH_JWKS');
  t.equal(rotated.keys.length, 2, 'both keys kept');
  t.not(rotated.current, rotated.keys[0]!.kid, 'a new key is current');
  t.same(
    rotated.keys.map((k) => k.current),
    [false, true],
  );
  t.type(rotated.keys[0]!.superseded, 'string', 'the old key is marked superseded');
  const rotatedJwks = JSON.stringify(rotated.jwks);
  t.ok(verifies(oldToken, rotatedJwks), 'a token issued before the rotation verifies with the rotated set');
  // A service keeps verifying with its cache across the change of set: the same answers.
  t.ok(
    accessTokenVerifier({ keys: parseJwks(rotatedJwks), issuer: 'lienthong', audience: 'lienthong-signing' })(oldToken),
  );

  const fresh = await issue('auth');
  t.equal(fresh.code, 0, fresh.stderr);
  const freshToken = fresh.stdout.trim();
  const header = JSON.parse(Buffer.from(freshToken.split('.')[0]!, 'base64url').toString()) as { kid: string };
  t.equal(header.kid, rotated.current, 'token issue --keys signs with the current key and names it');
  t.ok(verifies(freshToken, rotatedJwks), 'a new token verifies with the rotated set');
  t.notOk(verifies(freshToken, firstJwks), 'and not with the set before the rotation (deploy the set first)');

  const current = await cli(['token', 'keys', 'retire', '--dir', 'auth', '--kid', rotated.current, '--force']);
  t.equal(current.code, 2, 'the current key cannot be retired, even with --force');
  t.match(current.stderr, /KEY_IN_USE: .*current key/);

  const early = await cli(['token', 'keys', 'retire', '--dir', 'auth', '--kid', rotated.keys[0]!.kid]);
  t.equal(early.code, 2, 'a key superseded a moment ago is refused without --force');
  t.match(early.stderr, /KEY_IN_USE: .*may be live until/);

  const none = await cli(['token', 'keys', 'retire', '--dir', 'auth', '--json']);
  t.equal(none.code, 0, none.stderr);
  t.same((JSON.parse(none.stdout) as KeysJson).retired, [], 'nothing is old enough to go by itself');
  t.equal(readdirSync(join(root, 'auth')).filter((f) => f.endsWith('.pem')).length, 2, 'both key files kept');

  const retire = await cli(['token', 'keys', 'retire', '--dir', 'auth', '--kid', rotated.keys[0]!.kid, '--force']);
  t.equal(retire.code, 0, retire.stderr);
  noPrivateKey(t, retire.stdout + retire.stderr);
  t.match(retire.stderr, /retired \(key file removed\)/);
  t.notOk(verifies(oldToken, retire.stdout), 'a token of the retired key does not verify');
  t.ok(verifies(freshToken, retire.stdout), 'a token of the current key still does');
  t.notOk(readdirSync(join(root, 'auth')).includes(`${rotated.keys[0]!.kid}.pem`), 'its file is gone');

  const list = await cli(['token', 'keys', 'list', '--dir', 'auth', '--json']);
  t.equal(list.code, 0, list.stderr);
  t.same(
    (JSON.parse(list.stdout) as KeysJson).keys.map((k) => k.kid),
    [rotated.current],
  );
});

void t.test('retire without --kid drops the keys superseded more than the longest lifetime ago', async (t) => {
  t.equal((await cli(['token', 'keys', 'init', '--dir', 'aged'])).code, 0);
  t.equal((await cli(['token', 'keys', 'rotate', '--dir', 'aged'])).code, 0);
  t.equal((await cli(['token', 'keys', 'rotate', '--dir', 'aged'])).code, 0);
  // The first key was superseded two hours ago, the second a moment ago.
  const file = join(root, 'aged', 'keyring.json');
  const state = JSON.parse(readFileSync(file, 'utf8')) as { keys: Array<{ kid: string; superseded: string | null }> };
  state.keys[0]!.superseded = new Date(Date.now() - 2 * 3600_000).toISOString();
  writeFileSync(file, JSON.stringify(state));
  const retire = await cli(['token', 'keys', 'retire', '--dir', 'aged', '--json']);
  t.equal(retire.code, 0, retire.stderr);
  const answer = JSON.parse(retire.stdout) as KeysJson;
  t.same(answer.retired, [state.keys[0]!.kid], 'only the key past the 1 h default goes');
  t.equal(answer.keys.length, 2);
  const longer = await cli(['token', 'keys', 'retire', '--dir', 'aged', '--max-lifetime', '7d', '--json']);
  t.equal(longer.code, 0, longer.stderr);
  t.same((JSON.parse(longer.stdout) as KeysJson).retired, [], 'a longer lifetime keeps the other');
});

void t.test('service keys: --purpose evidence names signing’s variable and delivery’s', async (t) => {
  const init = await cli(['token', 'keys', 'init', '--dir', 'evidence', '--purpose', 'evidence']);
  t.equal(init.code, 0, init.stderr);
  t.match(init.stderr, /LIENTHONG_SIGNING_EVIDENCE_JWKS/);
  t.match(init.stderr, /LIENTHONG_DELIVERY_EVIDENCE_KEY_ID=evidence-/);
  const rotate = await cli(['token', 'keys', 'rotate', '--dir', 'evidence', '--json']);
  t.equal(rotate.code, 0, rotate.stderr);
  const answer = JSON.parse(rotate.stdout) as KeysJson & { keys: Array<{ retirableAt: string | null }> };
  t.equal(answer.variable, 'LIENTHONG_SIGNING_EVIDENCE_JWKS');
  t.equal(
    Date.parse(answer.keys[0]!.retirableAt!) - Date.parse(answer.keys[0]!.superseded!),
    (600 + 60) * 1000,
    "signing's 600 s evidence lifetime plus the clock skew",
  );
  t.doesNotThrow(() => parseJwks(JSON.stringify(answer.jwks)), 'a set signing reads');
  const refused = await issue('evidence');
  t.equal(refused.code, 2, 'token issue does not sign access tokens with a service key');
  t.match(refused.stderr, /USAGE: .*purpose auth/);
  t.equal((await cli(['token', 'keys', 'init', '--dir', 'x', '--purpose', 'nope'])).code, 2);
});

void t.test('a damaged or foreign folder is a clear exit 2, and nothing is written', async (t) => {
  const fresh = async (name: string): Promise<string> => {
    const r = await cli(['token', 'keys', 'init', '--dir', name]);
    t.equal(r.code, 0, r.stderr);
    return join(root, name);
  };
  const kidOf = (dir: string): string =>
    (JSON.parse(readFileSync(join(dir, 'keyring.json'), 'utf8')) as { current: string }).current;
  const cases: Array<[string, (dir: string) => void, RegExp]> = [
    ['a stray file', (d) => writeFileSync(join(d, 'notes.txt'), 'hello'), /"notes\.txt" is not one of its keys/],
    ['keyring.json not JSON', (d) => writeFileSync(join(d, 'keyring.json'), '{'), /keyring\.json is not JSON/],
    [
      'keyring.json with an unknown field',
      (d) => {
        const s = JSON.parse(readFileSync(join(d, 'keyring.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(join(d, 'keyring.json'), JSON.stringify({ ...s, extra: 1 }));
      },
      /unknown field "extra"/,
    ],
    [
      'a kid with a path in it',
      (d) => {
        const s = JSON.parse(readFileSync(join(d, 'keyring.json'), 'utf8')) as {
          current: string;
          keys: Array<{ kid: string }>;
        };
        s.current = '../../etc/passwd';
        s.keys[0]!.kid = '../../etc/passwd';
        writeFileSync(join(d, 'keyring.json'), JSON.stringify(s));
      },
      /bad "kid"/,
    ],
    [
      'a key file that is garbage',
      (d) => writeFileSync(join(d, `${kidOf(d)}.pem`), 'garbage'),
      /not a readable private key/,
    ],
    [
      'a foreign RSA key in place of a key',
      (d) =>
        writeFileSync(
          join(d, `${kidOf(d)}.pem`),
          generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }),
        ),
      /not an Ed25519 key/,
    ],
    [
      'a key readable by others',
      (d) => chmodSync(join(d, `${kidOf(d)}.pem`), 0o644),
      /may be read by others \(mode 644\)/,
    ],
    ['a missing key file', (d) => rmSync(join(d, `${kidOf(d)}.pem`)), /\.pem is missing/],
    [
      'jwks.json edited',
      (d) => writeFileSync(join(d, 'jwks.json'), '{"keys":[]}'),
      /jwks\.json is missing or not a JWK set/,
    ],
    [
      'jwks.json of another key',
      (d) =>
        writeFileSync(
          join(d, 'jwks.json'),
          JSON.stringify({
            keys: [{ ...generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }), kid: kidOf(d) }],
          }),
        ),
      /does not hold the public keys/,
    ],
    ['no keyring.json at all', (d) => rmSync(join(d, 'keyring.json')), /not a key folder/],
  ];
  for (const [what, damage, message] of cases) {
    const dir = await fresh(`damaged-${String(cases.findIndex((c) => c[0] === what))}`);
    damage(dir);
    const before = readdirSync(dir).sort();
    for (const action of ['rotate', 'list', 'retire']) {
      const r = await cli(['token', 'keys', action, '--dir', dir]);
      t.equal(r.code, 2, `${what}: ${action} exits 2`);
      t.match(r.stderr, /^lienthong: KEYRING_INVALID: /, `${what}: ${action} says KEYRING_INVALID`);
      t.match(r.stderr, message, `${what}: ${action} says what`);
      t.equal(r.stdout, '', `${what}: nothing on stdout`);
    }
    const r = await issue(dir);
    t.equal(r.code, 2, `${what}: token issue exits 2`);
    t.same(readdirSync(dir).sort(), before, `${what}: nothing written`);
  }
});

void t.test('bad command lines are exit 2', async (t) => {
  const cases: Array<[string[], RegExp]> = [
    [['token', 'keys'], /expected init, rotate, retire or list/],
    [['token', 'keys', 'spin', '--dir', 'd'], /expected init, rotate, retire or list/],
    [['token', 'keys', 'rotate'], /--dir DIR is required/],
    [['token', 'keys', 'rotate', '--dir', 'auth', '--purpose', 'auth'], /--purpose goes with init/],
    [['token', 'keys', 'list', '--dir', 'auth', '--kid', 'x'], /go with retire/],
    [['token', 'keys', 'retire', '--dir', 'auth', '--force'], /--force goes with --kid/],
    [['token', 'keys', 'retire', '--dir', 'auth', '--max-lifetime', '0s'], /--max-lifetime 0s/],
    [['token', 'keys', 'retire', '--dir', 'auth', '--max-lifetime', '-1h'], /USAGE/],
    [['token', 'keys', 'retire', '--dir', 'auth', '--kid', 'auth-nope'], /has no key "auth-nope"/],
    [['token', 'keys', 'init', '--dir', 'auth'], /OUTPUT_EXISTS: auth is not empty/],
    [
      ['token', 'issue', '--keys', 'auth', '--key', 'k.pem', '--subject', 's', '--office', 'O', '--service', 'signing'],
      /not both/,
    ],
  ];
  for (const [args, message] of cases) {
    const r = await cli(args);
    t.equal(r.code, 2, args.join(' '));
    t.match(r.stderr, message, args.join(' '));
  }
  const help = await cli(['token', 'keys', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /init\|rotate\|retire\|list/);
});
