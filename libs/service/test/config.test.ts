import t from 'tap';
import {
  ConfigError,
  Type,
  baseConfigSchema,
  loadConfig,
  loadServiceConfig,
  serviceConfigSchema,
} from '../src/index.ts';
import { realEnv } from './helpers.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';

const schema = serviceConfigSchema({ port: 8081, service: 'intake' });

/** The one-line message of the ConfigError that loading `env` throws. */
function failure(env: Record<string, string | undefined>, against: typeof schema = schema): string {
  try {
    loadServiceConfig(against, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

void t.test('defaults are applied and values are mapped to camelCase', async (t) => {
  const config = loadServiceConfig(schema, realEnv);
  t.match(config, {
    mode: 'real',
    host: '127.0.0.1',
    port: 8081,
    logLevel: 'info',
    database: { url: realEnv.LIENTHONG_DATABASE_URL },
    kafka: { brokers: ['127.0.0.1:59192'] },
    s3: {
      endpoint: 'http://127.0.0.1:59100',
      accessKey: 'lienthong',
      secretKey: 'lienthong-secret',
      region: 'us-east-1',
    },
    telemetry: { tracesExporter: 'none', metricsExporter: 'none' },
    shutdownTimeoutMs: 10_000,
  });
});

void t.test('each service passes its own default port', async (t) => {
  t.equal(loadServiceConfig(serviceConfigSchema({ port: 8084, service: 'delivery' }), realEnv).port, 8084);
  t.equal(loadConfig(baseConfigSchema, { ...realEnv, LIENTHONG_AUTH_AUDIENCE: 'lienthong-x' }).LIENTHONG_PORT, 8080);
  t.equal(
    failure(realEnv, baseConfigSchema),
    'config: LIENTHONG_AUTH_AUDIENCE is required',
    'the bare base schema names no audience: a service must say whose tokens it takes',
  );
});

void t.test('numbers are converted, lists split, unknown variables ignored', async (t) => {
  const config = loadServiceConfig(schema, {
    ...realEnv,
    LIENTHONG_PORT: ' 9000 ',
    LIENTHONG_SHUTDOWN_TIMEOUT_MS: '2500',
    LIENTHONG_KAFKA_BROKERS: 'k1:9092, k2:9092',
    LIENTHONG_UNKNOWN: 'whatever',
    PATH: '/bin',
  });
  t.equal(config.port, 9000);
  t.equal(config.shutdownTimeoutMs, 2500);
  t.same(config.mode === 'real' && config.kafka.brokers, ['k1:9092', 'k2:9092']);
  t.notOk('LIENTHONG_UNKNOWN' in config);
});

void t.test('an empty variable counts as missing: the default applies', async (t) => {
  const config = loadServiceConfig(schema, { ...realEnv, LIENTHONG_PORT: '', LIENTHONG_LOG_LEVEL: '' });
  t.equal(config.port, 8081);
  t.equal(config.logLevel, 'info');
});

void t.test('booleans are converted in service-specific schemas', async (t) => {
  const extended = serviceConfigSchema(
    { port: 8082, service: 'signing' },
    { LIENTHONG_SIGNING_STRICT: Type.Boolean({ default: false }) },
  );
  t.equal(loadConfig(extended, { ...realEnv, LIENTHONG_SIGNING_STRICT: 'true' }).LIENTHONG_SIGNING_STRICT, true);
  t.equal(loadConfig(extended, realEnv).LIENTHONG_SIGNING_STRICT, false);
  t.equal(loadServiceConfig(extended, realEnv).port, 8082, 'an extended schema loads as a ServiceConfig');
  t.throws(() => loadConfig(extended, { ...realEnv, LIENTHONG_SIGNING_STRICT: 'maybe' }), {
    message: 'config: LIENTHONG_SIGNING_STRICT must be true or false (got "maybe")',
  });
});

void t.test('each bad value gives one line naming the variable', async (t) => {
  const cases: [Record<string, string>, string][] = [
    [{ LIENTHONG_PORT: 'abc' }, 'config: LIENTHONG_PORT must be an integer 1-65535 (got "abc")'],
    [{ LIENTHONG_PORT: '1.5' }, 'config: LIENTHONG_PORT must be an integer 1-65535 (got "1.5")'],
    [{ LIENTHONG_PORT: '70000' }, 'config: LIENTHONG_PORT must be an integer 1-65535 (got "70000")'],
    [{ LIENTHONG_MODE: 'cloud' }, 'config: LIENTHONG_MODE must be one of embedded, real (got "cloud")'],
    [
      { LIENTHONG_LOG_LEVEL: 'loud' },
      'config: LIENTHONG_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")',
    ],
    [
      { LIENTHONG_KAFKA_BROKERS: 'kafka' },
      'config: LIENTHONG_KAFKA_BROKERS must be a comma-separated list of host:port (got "kafka")',
    ],
    [
      { LIENTHONG_S3_ENDPOINT: 'minio:9000' },
      'config: LIENTHONG_S3_ENDPOINT must be an http:// or https:// URL (got "minio:9000")',
    ],
    [
      { LIENTHONG_OTEL_TRACES_EXPORTER: 'jaeger' },
      'config: LIENTHONG_OTEL_TRACES_EXPORTER must be one of none, console, otlp (got "jaeger")',
    ],
    [
      { LIENTHONG_OTEL_METRICS_EXPORTER: 'console' },
      'config: LIENTHONG_OTEL_METRICS_EXPORTER must be one of none, otlp (got "console")',
    ],
    [
      { LIENTHONG_OTEL_ENDPOINT: 'collector' },
      'config: LIENTHONG_OTEL_ENDPOINT must be an http:// or https:// URL (got "collector")',
    ],
    [
      { LIENTHONG_SHUTDOWN_TIMEOUT_MS: '0' },
      'config: LIENTHONG_SHUTDOWN_TIMEOUT_MS must be an integer 1-600000 (got "0")',
    ],
  ];
  for (const [override, message] of cases) {
    const got = failure({ ...realEnv, ...override });
    t.equal(got, message, Object.keys(override)[0] ?? '');
    t.notMatch(got, /\n/, 'one line');
  }
});

void t.test('secret values are never echoed in errors', async (t) => {
  const got = failure({ ...realEnv, LIENTHONG_DATABASE_URL: 'mysql://root:hunter2@db/x' });
  t.equal(got, 'config: LIENTHONG_DATABASE_URL must be a postgres:// URL');
  t.notMatch(got, /hunter2/);
});

void t.test('several bad values are named on the same line', async (t) => {
  const got = failure({ ...realEnv, LIENTHONG_PORT: 'x', LIENTHONG_MODE: 'y' });
  t.match(got, /^config: LIENTHONG_MODE .*; LIENTHONG_PORT .*$/);
});

void t.test('real mode needs the database, Kafka and S3', async (t) => {
  t.equal(
    failure({ ...testAuthEnv }),
    'config: LIENTHONG_DATABASE_URL is required when LIENTHONG_MODE=real; ' +
      'LIENTHONG_KAFKA_BROKERS is required when LIENTHONG_MODE=real; ' +
      'LIENTHONG_S3_ENDPOINT is required when LIENTHONG_MODE=real; ' +
      'LIENTHONG_S3_ACCESS_KEY is required when LIENTHONG_MODE=real; ' +
      'LIENTHONG_S3_SECRET_KEY is required when LIENTHONG_MODE=real',
  );
  t.equal(
    failure({ ...realEnv, LIENTHONG_KAFKA_BROKERS: '' }),
    'config: LIENTHONG_KAFKA_BROKERS is required when LIENTHONG_MODE=real',
  );
});

void t.test('embedded mode needs the database and the storage folder, not Kafka or S3', async (t) => {
  t.equal(
    failure({ ...testAuthEnv, LIENTHONG_MODE: 'embedded', LIENTHONG_DATABASE_URL: 'postgres://localhost/x' }),
    'config: LIENTHONG_STORAGE_DIR is required when LIENTHONG_MODE=embedded',
  );
  t.equal(
    failure({ ...testAuthEnv, LIENTHONG_MODE: 'embedded', LIENTHONG_STORAGE_DIR: '/tmp/x' }),
    'config: LIENTHONG_DATABASE_URL is required when LIENTHONG_MODE=embedded',
  );
  const config = loadServiceConfig(schema, {
    ...testAuthEnv,
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: 'postgres://localhost/x',
    LIENTHONG_STORAGE_DIR: '/tmp/x',
  });
  t.match(config, { mode: 'embedded', storageDir: '/tmp/x', database: { url: 'postgres://localhost/x' } });
  t.notOk('kafka' in config);
});

void t.test('the access-token issuer is required, and a bad JWK set is named with its fault', async (t) => {
  const { LIENTHONG_AUTH_JWKS: _omitted, ...withoutKeys } = realEnv;
  t.equal(failure(withoutKeys), 'config: LIENTHONG_AUTH_JWKS is required');
  const cases: [string, RegExp][] = [
    ['not json', /LIENTHONG_AUTH_JWKS is not JSON/],
    ['{"keys":[]}', /has no "keys" array/],
    ['{"keys":[{"kty":"oct","k":"c2VjcmV0"}]}', /holds private or secret key material/],
    ['{"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]}', /is not a usable public JWK/],
    [
      JSON.stringify({ keys: [{ ...JSON.parse(testAuthEnv.LIENTHONG_AUTH_JWKS).keys[0], alg: 'HS256' }] }),
      /declares "alg" "HS256"/,
    ],
  ];
  for (const [value, expected] of cases) t.match(failure({ ...realEnv, LIENTHONG_AUTH_JWKS: value }), expected, value);
  const config = loadServiceConfig(schema, realEnv);
  t.equal(config.auth.keys.keys.length, 1);
  t.match(config.auth, { issuer: 'lienthong', audience: 'lienthong-intake', maxLifetimeSeconds: 3600 });
});

void t.test(
  "each service's tokens name it: the audience defaults per service, the lifetime cap is bounded",
  async (t) => {
    t.equal(
      loadServiceConfig(serviceConfigSchema({ port: 8082, service: 'signing' }), realEnv).auth.audience,
      'lienthong-signing',
    );
    const tuned = loadServiceConfig(schema, {
      ...realEnv,
      LIENTHONG_AUTH_AUDIENCE: 'https://vptu.example.vn/intake',
      LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: '900',
    });
    t.match(tuned.auth, { audience: 'https://vptu.example.vn/intake', maxLifetimeSeconds: 900 });
    const cases: [Record<string, string>, string][] = [
      [
        { LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: '30' },
        'config: LIENTHONG_AUTH_MAX_LIFETIME_SECONDS must be an integer 60-604800 (seconds an access token may live, exp - iat) (got "30")',
      ],
      [
        { LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: '1h' },
        'config: LIENTHONG_AUTH_MAX_LIFETIME_SECONDS must be an integer 60-604800 (seconds an access token may live, exp - iat) (got "1h")',
      ],
      [
        { LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: '999999999' },
        'config: LIENTHONG_AUTH_MAX_LIFETIME_SECONDS must be an integer 60-604800 (seconds an access token may live, exp - iat) (got "999999999")',
      ],
      [
        { LIENTHONG_AUTH_AUDIENCE: 'a'.repeat(201) },
        `config: LIENTHONG_AUTH_AUDIENCE must be the audience (aud) this service's access tokens must name, e.g. lienthong-signing (got "${'a'.repeat(201)}")`,
      ],
    ];
    for (const [env, expected] of cases) t.equal(failure({ ...realEnv, ...env }), expected, JSON.stringify(env));
  },
);
