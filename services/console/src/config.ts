/**
 * Configuration of the console: where it listens (`LIENTHONG_HOST`, `LIENTHONG_PORT`, 8080 by
 * default), the four services it proxies (`LIENTHONG_CONSOLE_INTAKE_URL`, `_SIGNING_URL`,
 * `_DELIVERY_URL`, `_ARCHIVE_URL`; a service left out answers 503 under `/api/<service>/`),
 * the largest body it passes on (`LIENTHONG_CONSOLE_MAX_BODY_BYTES`, 64 MiB), how long it waits
 * for a service's answer (`LIENTHONG_CONSOLE_UPSTREAM_TIMEOUT_MS`), and the demo callers'
 * file of `npm start` (`LIENTHONG_CONSOLE_DEMO_CALLERS_FILE`; absent in a real deployment).
 * The console needs no database, bus or object store, so it has no `ServiceConfig`.
 */
import { loadConfig, Type } from '@lienthong/service';
import type { Env, LogLevel, Static } from '@lienthong/service';

/** The services the console reaches, by the name used in `/api/<name>/…`. */
export const proxiedServices = ['intake', 'signing', 'delivery', 'archive'] as const;

/** One of `proxiedServices`. */
export type ProxiedService = (typeof proxiedServices)[number];

const serviceUrl = (name: string) =>
  Type.Optional(
    Type.String({
      pattern: '^https?://[^\\s/?#@]+/?$',
      expected: `an http:// or https:// origin without path, query or credentials (the ${name} service)`,
    }),
  );

export const consoleConfigSchema = Type.Object({
  LIENTHONG_HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  LIENTHONG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, expected: 'an integer 1-65535' }),
  LIENTHONG_LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  LIENTHONG_SHUTDOWN_TIMEOUT_MS: Type.Integer({ minimum: 1, maximum: 600_000, default: 10_000 }),
  LIENTHONG_CONSOLE_INTAKE_URL: serviceUrl('intake'),
  LIENTHONG_CONSOLE_SIGNING_URL: serviceUrl('signing'),
  LIENTHONG_CONSOLE_DELIVERY_URL: serviceUrl('delivery'),
  LIENTHONG_CONSOLE_ARCHIVE_URL: serviceUrl('archive'),
  LIENTHONG_CONSOLE_MAX_BODY_BYTES: Type.Integer({
    minimum: 1024,
    maximum: 2 ** 40,
    default: 64 * 1024 * 1024,
    expected: 'an integer of bytes, at least 1024 (the largest request body passed to a service)',
  }),
  LIENTHONG_CONSOLE_UPSTREAM_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 3_600_000,
    default: 300_000,
    expected: "an integer 100-3600000 (ms to wait for a service's answer headers)",
  }),
  LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: Type.Optional(
    Type.String({ minLength: 1, expected: 'the path of a JSON file of demo callers (npm start only)' }),
  ),
});

/** The console's configuration, camelCase. */
export interface ConsoleConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  shutdownTimeoutMs: number;
  /** Origin of each service (no trailing slash); a service absent here is not reachable. */
  upstreams: Partial<Record<ProxiedService, string>>;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  /** `npm start`'s demo callers (see demo-callers.ts); undefined in a real deployment. */
  demoCallersFile?: string;
}

/** Reads and checks the console's variables (`ConfigError` naming each problem). */
export function loadConsoleConfig(env: Env): ConsoleConfig {
  const e: Static<typeof consoleConfigSchema> = loadConfig(consoleConfigSchema, env);
  const upstreams: Partial<Record<ProxiedService, string>> = {};
  const urls: Record<ProxiedService, string | undefined> = {
    intake: e.LIENTHONG_CONSOLE_INTAKE_URL,
    signing: e.LIENTHONG_CONSOLE_SIGNING_URL,
    delivery: e.LIENTHONG_CONSOLE_DELIVERY_URL,
    archive: e.LIENTHONG_CONSOLE_ARCHIVE_URL,
  };
  for (const name of proxiedServices) {
    const url = urls[name];
    if (url !== undefined) upstreams[name] = url.replace(/\/$/, '');
  }
  return {
    host: e.LIENTHONG_HOST,
    port: e.LIENTHONG_PORT,
    logLevel: e.LIENTHONG_LOG_LEVEL as LogLevel,
    shutdownTimeoutMs: e.LIENTHONG_SHUTDOWN_TIMEOUT_MS,
    upstreams,
    maxBodyBytes: e.LIENTHONG_CONSOLE_MAX_BODY_BYTES,
    upstreamTimeoutMs: e.LIENTHONG_CONSOLE_UPSTREAM_TIMEOUT_MS,
    ...(e.LIENTHONG_CONSOLE_DEMO_CALLERS_FILE === undefined
      ? {}
      : { demoCallersFile: e.LIENTHONG_CONSOLE_DEMO_CALLERS_FILE }),
  };
}
