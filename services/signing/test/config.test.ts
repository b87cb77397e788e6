/** The signing configuration: LIENTHONG_SIGNING_KEK is required, long enough, and never echoed. */
import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import t from 'tap';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { ConfigError, publicJwks } from '@lienthong/service';
import { loadSigningConfig } from '../src/config.ts';
import { directoryTopic } from '../src/directory/directory-consumer.ts';

const base = {
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
  LIENTHONG_STORAGE_DIR: '/tmp/x',
};

void t.test('the KEK is required', async (t) => {
  t.throws(() => loadSigningConfig(base), { name: 'ConfigError', message: /LIENTHONG_SIGNING_KEK is required/ });
  t.throws(
    () => loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: '' }),
    { message: /LIENTHONG_SIGNING_KEK is required/ },
    'empty is missing',
  );
});

void t.test('a short KEK is refused without echoing it', async (t) => {
  const short = 'short-secret-kek';
  try {
    loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: short });
    t.fail('accepted');
  } catch (error) {
    t.ok(error instanceof ConfigError);
    t.match(
      (error as Error).message,
      /LIENTHONG_SIGNING_KEK must be a key-encryption passphrase of at least 32 characters/,
    );
    t.notMatch((error as Error).message, short, 'the value is not in the message');
  }
});

void t.test('the KEK is carried but not serialised with the config', async (t) => {
  const kek = 'k'.repeat(40);
  const config = loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek });
  t.equal(config.kek, kek);
  t.equal(config.port, 8082);
  t.notMatch(JSON.stringify(config), kek, 'JSON.stringify(config) leaves it out');
  t.notOk(Object.keys(config).includes('kek'));
});

void t.test('a PKCS#11 token needs its label and PIN; the PIN is carried but never serialised', async (t) => {
  const kek = 'k'.repeat(40);
  const module = {
    ...base,
    LIENTHONG_SIGNING_KEK: kek,
    LIENTHONG_SIGNING_PKCS11_MODULE: '/usr/lib/softhsm/libsofthsm2.so',
  };
  t.throws(() => loadSigningConfig(module), {
    message:
      'config: LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL is required with LIENTHONG_SIGNING_PKCS11_MODULE; LIENTHONG_SIGNING_PKCS11_PIN is required with LIENTHONG_SIGNING_PKCS11_MODULE',
  });
  const config = loadSigningConfig({
    ...module,
    LIENTHONG_SIGNING_PKCS11_TOKEN_LABEL: 'seals',
    LIENTHONG_SIGNING_PKCS11_PIN: '24681012',
  });
  t.same(config.pkcs11, { modulePath: '/usr/lib/softhsm/libsofthsm2.so', tokenLabel: 'seals' });
  t.equal(config.pkcs11Pin, '24681012');
  t.notMatch(JSON.stringify(config), '24681012');
  t.equal(loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek }).pkcs11, undefined, 'no token by default');
});

void t.test('the public URL is optional, normalised and trimmed of its trailing slash', async (t) => {
  const env = { ...base, LIENTHONG_SIGNING_KEK: 'k'.repeat(40) };
  t.equal(loadSigningConfig(env).publicUrl, undefined, 'unset by default');
  t.equal(loadSigningConfig({ ...env, LIENTHONG_SIGNING_PUBLIC_URL: '' }).publicUrl, undefined, 'empty is missing');
  t.equal(
    loadSigningConfig({ ...env, LIENTHONG_SIGNING_PUBLIC_URL: '  \t ' }).publicUrl,
    undefined,
    'only whitespace is empty, so missing',
  );
  const url = (value: string) => loadSigningConfig({ ...env, LIENTHONG_SIGNING_PUBLIC_URL: value }).publicUrl;
  t.equal(url('https://ky-so.vptu.example.vn'), 'https://ky-so.vptu.example.vn');
  t.equal(url('https://ky-so.vptu.example.vn/'), 'https://ky-so.vptu.example.vn');
  t.equal(
    url(' https://ky-so.vptu.example.vn/ '),
    'https://ky-so.vptu.example.vn',
    'surrounding whitespace is trimmed',
  );
  t.equal(url('http://127.0.0.1:8082/signing//'), 'http://127.0.0.1:8082/signing');
  t.equal(
    url('https://ky-so.example.vn:443/a/../b/'),
    'https://ky-so.example.vn/b',
    'default port dropped, dot segments resolved',
  );
  t.equal(
    url('https://ký-số.example.vn/đ'),
    'https://xn--k-s-loa6929a.example.vn/%C4%91',
    'ASCII (IA5String) form: punycode host, percent-encoded path',
  );
  t.equal(url('http://[::1]:8082'), 'http://[::1]:8082');
});

void t.test('a bad public URL is a config error naming the variable', async (t) => {
  const env = { ...base, LIENTHONG_SIGNING_KEK: 'k'.repeat(40) };
  for (const bad of [
    'ftp://x',
    'http://',
    'https://',
    'http:///x',
    'ky-so.example.vn',
    '/v1',
    'https://x.example/?a=1',
    'https://x.example?a',
    'https://x.example/#top',
    'https://x.example#',
    'https://ky so.example.vn',
    'https://x.example/a b',
    'https://x.example/a\tb',
    'https://x.example/\nb',
    'https://user:pass@x.example',
    'http://x.example:99999',
    'http://[::1',
    'HTTPS://x.example',
  ]) {
    t.throws(
      () => loadSigningConfig({ ...env, LIENTHONG_SIGNING_PUBLIC_URL: bad }),
      {
        name: 'ConfigError',
        message: /^config: LIENTHONG_SIGNING_PUBLIC_URL must be an absolute http:\/\/ or https:\/\/ URL/,
      },
      JSON.stringify(bad),
    );
  }
});

void t.test("the root CRL's period: a year by default, 30 to 3650 days, anything else a clear line", async (t) => {
  const kek = 'k'.repeat(40);
  t.equal(loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek }).rootCrlDays, 365);
  t.equal(
    loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek, LIENTHONG_SIGNING_ROOT_CRL_DAYS: '730' }).rootCrlDays,
    730,
  );
  for (const bad of ['29', '3651', 'a year', '1.5']) {
    t.throws(
      () => loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek, LIENTHONG_SIGNING_ROOT_CRL_DAYS: bad }),
      /LIENTHONG_SIGNING_ROOT_CRL_DAYS must be an integer 30-3650/,
      bad,
    );
  }
});

void t.test('the parsing workers: defaults, given values, and values out of range', async (t) => {
  const env = { ...base, LIENTHONG_SIGNING_KEK: 'k'.repeat(40) };
  const defaults = loadSigningConfig(env).workers;
  t.same(defaults, {
    size: Math.min(2, availableParallelism()),
    memoryMb: 256,
    timeLimitMs: 60_000,
    queueLimit: 64,
  });
  t.same(
    loadSigningConfig({
      ...env,
      LIENTHONG_SIGNING_WORKERS: '3',
      LIENTHONG_SIGNING_WORKER_MEMORY_MB: '512',
      LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS: '1500',
      LIENTHONG_SIGNING_JOB_QUEUE: '0',
    }).workers,
    { size: 3, memoryMb: 512, timeLimitMs: 1500, queueLimit: 0 },
  );
  t.equal(loadSigningConfig({ ...env, LIENTHONG_SIGNING_WORKERS: '' }).workers.size, defaults.size, 'empty is missing');
  for (const [variable, bad] of [
    ['LIENTHONG_SIGNING_WORKERS', '0'],
    ['LIENTHONG_SIGNING_WORKERS', 'two'],
    ['LIENTHONG_SIGNING_WORKER_MEMORY_MB', '8'],
    ['LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS', '0'],
    ['LIENTHONG_SIGNING_JOB_QUEUE', '-1'],
  ] as const)
    t.throws(
      () => loadSigningConfig({ ...env, [variable]: bad }),
      { name: 'ConfigError', message: new RegExp(`^config: ${variable} must be an integer`) },
      `${variable}=${bad}`,
    );
});

void t.test("the evidence key set (delivery's token keys) is optional, read as a public JWK set", async (t) => {
  const env = { ...base, LIENTHONG_SIGNING_KEK: 'k'.repeat(40) };
  t.equal(loadSigningConfig(env).evidenceKeys, undefined, 'unset by default: the evidence route is not configured');
  t.equal(
    loadSigningConfig({ ...env, LIENTHONG_SIGNING_EVIDENCE_JWKS: '' }).evidenceKeys,
    undefined,
    'empty is missing',
  );
  const { privateKey } = generateKeyPairSync('ed25519');
  const keys = loadSigningConfig({
    ...env,
    LIENTHONG_SIGNING_EVIDENCE_JWKS: publicJwks(privateKey, 'delivery-1'),
  }).evidenceKeys;
  t.equal(keys?.keys.length, 1);
  t.equal(keys?.keys[0]?.kid, 'delivery-1');
  t.equal(keys?.keys[0]?.algorithm, 'EdDSA');
  const privateJwk = JSON.stringify({ keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'x' }] });
  for (const [bad, problem] of [
    ['not json', /LIENTHONG_SIGNING_EVIDENCE_JWKS is not JSON/],
    ['{"keys":[]}', /LIENTHONG_SIGNING_EVIDENCE_JWKS has no "keys" array/],
    [privateJwk, /LIENTHONG_SIGNING_EVIDENCE_JWKS keys\[0\] holds private or secret key material/],
  ] as const) {
    try {
      loadSigningConfig({ ...env, LIENTHONG_SIGNING_EVIDENCE_JWKS: bad });
      t.fail(`accepted ${bad}`);
    } catch (error) {
      t.ok(error instanceof ConfigError);
      t.match((error as Error).message, problem);
      t.notMatch((error as Error).message, /"d":/, 'no key material in the message');
    }
  }
});

void t.test("the topic namespace of intake's directory: none by default, a malformed one refused", async (t) => {
  const kek = 'k'.repeat(40);
  t.equal(loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek }).topicNamespace, '');
  const config = loadSigningConfig({
    ...base,
    LIENTHONG_SIGNING_KEK: kek,
    LIENTHONG_SIGNING_TOPIC_NAMESPACE: 'tinh-a',
  });
  t.equal(config.topicNamespace, 'tinh-a');
  t.same(directoryTopic(config.topicNamespace), {
    topic: 'tinh-a.lienthong.directory.changed.v1',
    group: 'tinh-a.signing-directory',
  });
  t.same(directoryTopic(''), { topic: 'lienthong.directory.changed.v1', group: 'signing-directory' });
  for (const value of ['Upper', 'has.dot', '-start', 'a'.repeat(64)])
    t.throws(
      () => loadSigningConfig({ ...base, LIENTHONG_SIGNING_KEK: kek, LIENTHONG_SIGNING_TOPIC_NAMESPACE: value }),
      {
        name: 'ConfigError',
        message: /LIENTHONG_SIGNING_TOPIC_NAMESPACE/,
      },
    );
});
