/** The webhook settings: off without a key, their defaults, the key kept out of serialisation, refusals. */
import t from 'tap';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { loadDeliveryConfig } from '../src/config.ts';

const base = {
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: 'postgres://x@127.0.0.1/db',
  LIENTHONG_STORAGE_DIR: '/tmp/x',
};

void t.test('defaults: off without a key, https to public addresses, 5 s to 1 h, 24 h', async (t) => {
  const { webhooks } = loadDeliveryConfig(base);
  t.equal(webhooks.key, undefined);
  t.match(webhooks, {
    allowHttp: false,
    allowPrivate: false,
    timeoutMs: 10_000,
    retryMinMs: 5_000,
    retryMaxMs: 3_600_000,
    maxAttempts: 20,
    maxAgeSeconds: 86_400,
    concurrency: 4,
    rotationGraceSeconds: 86_400,
  });
});

void t.test('the key is read but never serialised', async (t) => {
  const key = 'k'.repeat(40);
  const config = loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_WEBHOOK_KEY: key });
  t.equal(config.webhooks.key, key);
  t.notMatch(JSON.stringify(config), key);
});

void t.test('refused: a short key, a bad flag, numbers out of range; the key never in the message', async (t) => {
  t.throws(() => loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_WEBHOOK_KEY: 'short-secret' }), {
    name: 'ConfigError',
    message: /LIENTHONG_DELIVERY_WEBHOOK_KEY/,
  });
  try {
    loadDeliveryConfig({ ...base, LIENTHONG_DELIVERY_WEBHOOK_KEY: 'short-secret' });
  } catch (error) {
    t.notMatch(String(error), 'short-secret');
  }
  for (const [name, value] of [
    ['LIENTHONG_DELIVERY_WEBHOOK_ALLOW_PRIVATE', 'perhaps'],
    ['LIENTHONG_DELIVERY_WEBHOOK_TIMEOUT_MS', '0'],
    ['LIENTHONG_DELIVERY_WEBHOOK_MAX_ATTEMPTS', '1000'],
    ['LIENTHONG_DELIVERY_WEBHOOK_CONCURRENCY', 'many'],
  ])
    t.throws(() => loadDeliveryConfig({ ...base, [name!]: value! }), {
      name: 'ConfigError',
      message: new RegExp(name!),
    });
});
