/**
 * The variables every lienthong service shares, and the typed configuration object the
 * rest of the code receives. Only `loadConfig` reads the environment; everything else
 * gets a `ServiceConfig`.
 */
import type { Static, TObject, TProperties } from '@sinclair/typebox';
import { Type } from '@sinclair/typebox';
import { defaultMaxLifetimeSeconds, maxLifetimeLimitSeconds, parseJwks, serviceAudience } from './access-token.ts';
import type { AuthConfig } from './access-token.ts';
import { ConfigError, loadConfig } from './config.ts';
import type { ConfigProblem, Env } from './config.ts';

const logLevel = Type.Union(
  [
    Type.Literal('fatal'),
    Type.Literal('error'),
    Type.Literal('warn'),
    Type.Literal('info'),
    Type.Literal('debug'),
    Type.Literal('trace'),
    Type.Literal('silent'),
  ],
  { default: 'info' },
);

const port = (defaultPort: number) =>
  Type.Integer({ minimum: 1, maximum: 65535, default: defaultPort, expected: 'an integer 1-65535' });

const audience = (defaultAudience?: string) =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    expected: "the audience (aud) this service's access tokens must name, e.g. lienthong-signing",
    ...(defaultAudience === undefined ? {} : { default: defaultAudience }),
  });

/**
 * Base schema; `LIENTHONG_PORT` defaults to 8080 here and `LIENTHONG_AUTH_AUDIENCE` has no
 * default: each service passes its own (`serviceConfigSchema`).
 */
export const baseConfigSchema = Type.Object({
  LIENTHONG_MODE: Type.Union([Type.Literal('embedded'), Type.Literal('real')], { default: 'real' }),
  LIENTHONG_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LIENTHONG_PORT: port(8080),
  LIENTHONG_LOG_LEVEL: logLevel,
  LIENTHONG_DATABASE_URL: Type.Optional(
    Type.String({
      pattern: '^postgres(ql)?://',
      expected: 'a postgres:// URL',
      secret: true,
    }),
  ),
  LIENTHONG_KAFKA_BROKERS: Type.Optional(
    Type.String({
      pattern: '^\\s*[^\\s,]+:[0-9]{1,5}\\s*(,\\s*[^\\s,]+:[0-9]{1,5}\\s*)*$',
      expected: 'a comma-separated list of host:port',
    }),
  ),
  LIENTHONG_S3_ENDPOINT: Type.Optional(Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL' })),
  LIENTHONG_S3_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1, secret: true })),
  LIENTHONG_S3_SECRET_KEY: Type.Optional(Type.String({ minLength: 1, secret: true })),
  LIENTHONG_S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  LIENTHONG_STORAGE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  LIENTHONG_OTEL_TRACES_EXPORTER: Type.Union([Type.Literal('none'), Type.Literal('console'), Type.Literal('otlp')], {
    default: 'none',
  }),
  LIENTHONG_OTEL_METRICS_EXPORTER: Type.Union([Type.Literal('none'), Type.Literal('otlp')], { default: 'none' }),
  LIENTHONG_OTEL_ENDPOINT: Type.Optional(
    Type.String({ pattern: '^https?://', expected: 'an http:// or https:// URL' }),
  ),
  LIENTHONG_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  LIENTHONG_AUTH_JWKS: Type.String({
    minLength: 1,
    expected: 'the public JWK set (RFC 7517 §5, JSON) of the access-token issuer',
  }),
  LIENTHONG_AUTH_ISSUER: Type.String({ minLength: 1, default: 'lienthong' }),
  LIENTHONG_AUTH_AUDIENCE: audience(),
  LIENTHONG_AUTH_MAX_LIFETIME_SECONDS: Type.Integer({
    minimum: 60,
    maximum: maxLifetimeLimitSeconds,
    default: defaultMaxLifetimeSeconds,
    expected: `an integer 60-${String(maxLifetimeLimitSeconds)} (seconds an access token may live, exp - iat)`,
  }),
});

/** The environment variables of `baseConfigSchema`, validated and converted. */
export type BaseEnv = Static<typeof baseConfigSchema>;

/**
 * The base schema with a service's defaults and its own extra variables. `service` names
 * the service; the audience its tokens must name defaults to `lienthong-<service>`.
 * @example serviceConfigSchema({ port: 8081, service: 'intake' })
 */
export function serviceConfigSchema<P extends TProperties = Record<never, never>>(
  defaults: { port: number; service: string },
  extra?: P,
): TObject<typeof baseConfigSchema.properties & P> {
  return Type.Object({
    ...baseConfigSchema.properties,
    LIENTHONG_PORT: port(defaults.port),
    LIENTHONG_AUTH_AUDIENCE: audience(serviceAudience(defaults.service)),
    ...(extra ?? ({} as P)),
  });
}

/** pino levels; `silent` turns logging off. */
export type LogLevel = BaseEnv['LIENTHONG_LOG_LEVEL'];

/** OpenTelemetry exporters (see `startTelemetry`). */
export interface TelemetryConfig {
  tracesExporter: 'none' | 'console' | 'otlp';
  metricsExporter: 'none' | 'otlp';
  /** OTLP/HTTP base URL (e.g. http://127.0.0.1:4318); the exporters' default when absent. */
  endpoint?: string;
}

/** MinIO/S3 connection for `@lienthong/storage` in real mode. */
export interface S3Config {
  endpoint: string;
  accessKey: string;
  secretKey: string;
  region: string;
}

interface CommonConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  database: { url: string };
  telemetry: TelemetryConfig;
  shutdownTimeoutMs: number;
  /** Whose access tokens the service accepts (see access-token.ts). */
  auth: AuthConfig;
}

/** Real mode: PostgreSQL, Apache Kafka, MinIO/S3 (DESIGN.md, "Running modes"). */
export interface RealModeConfig extends CommonConfig {
  mode: 'real';
  kafka: { brokers: string[] };
  s3: S3Config;
}

/** Embedded mode: one Postgres (also holding the event log) and a folder for objects. */
export interface EmbeddedModeConfig extends CommonConfig {
  mode: 'embedded';
  storageDir: string;
}

/** The configuration every service receives, camelCase and typed by mode. */
export type ServiceConfig = RealModeConfig | EmbeddedModeConfig;

/**
 * Turns validated base variables into a `ServiceConfig`, applying the rules that span
 * several variables: real mode needs the database, Kafka and S3; embedded mode needs the
 * database and the storage folder. Throws `ConfigError` naming every missing variable.
 */
export function toServiceConfig(env: BaseEnv): ServiceConfig {
  const mode = env.LIENTHONG_MODE;
  const needed: (keyof BaseEnv)[] =
    mode === 'real'
      ? [
          'LIENTHONG_DATABASE_URL',
          'LIENTHONG_KAFKA_BROKERS',
          'LIENTHONG_S3_ENDPOINT',
          'LIENTHONG_S3_ACCESS_KEY',
          'LIENTHONG_S3_SECRET_KEY',
        ]
      : ['LIENTHONG_DATABASE_URL', 'LIENTHONG_STORAGE_DIR'];
  const problems: ConfigProblem[] = needed
    .filter((name) => env[name] === undefined)
    .map((variable) => ({ variable, problem: `is required when LIENTHONG_MODE=${mode}` }));
  let auth: AuthConfig | undefined;
  try {
    auth = {
      keys: parseJwks(env.LIENTHONG_AUTH_JWKS),
      issuer: env.LIENTHONG_AUTH_ISSUER,
      audience: env.LIENTHONG_AUTH_AUDIENCE,
      maxLifetimeSeconds: env.LIENTHONG_AUTH_MAX_LIFETIME_SECONDS,
    };
  } catch (error) {
    problems.push({ variable: 'LIENTHONG_AUTH_JWKS', problem: (error as Error).message });
  }
  if (problems.length > 0 || auth === undefined) throw new ConfigError(problems);

  const common: CommonConfig = {
    host: env.LIENTHONG_HOST,
    port: env.LIENTHONG_PORT,
    logLevel: env.LIENTHONG_LOG_LEVEL,
    database: { url: env.LIENTHONG_DATABASE_URL ?? '' },
    telemetry: {
      tracesExporter: env.LIENTHONG_OTEL_TRACES_EXPORTER,
      metricsExporter: env.LIENTHONG_OTEL_METRICS_EXPORTER,
      ...(env.LIENTHONG_OTEL_ENDPOINT === undefined ? {} : { endpoint: env.LIENTHONG_OTEL_ENDPOINT }),
    },
    shutdownTimeoutMs: env.LIENTHONG_SHUTDOWN_TIMEOUT_MS,
    auth,
  };
  if (mode === 'embedded') return { ...common, mode, storageDir: env.LIENTHONG_STORAGE_DIR ?? '' };
  return {
    ...common,
    mode,
    kafka: { brokers: (env.LIENTHONG_KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()) },
    s3: {
      endpoint: env.LIENTHONG_S3_ENDPOINT ?? '',
      accessKey: env.LIENTHONG_S3_ACCESS_KEY ?? '',
      secretKey: env.LIENTHONG_S3_SECRET_KEY ?? '',
      region: env.LIENTHONG_S3_REGION,
    },
  };
}

/**
 * `loadConfig` then `toServiceConfig`: what a service's `loadConfig` usually is. `schema`
 * is `baseConfigSchema` or a `serviceConfigSchema(…)`, possibly with extra variables.
 */
export function loadServiceConfig<T extends TObject>(
  schema: T & { properties: typeof baseConfigSchema.properties },
  env: Env,
): ServiceConfig {
  return toServiceConfig(loadConfig(schema, env) as BaseEnv);
}
