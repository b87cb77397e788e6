/**
 * Configuration of the console: where it listens (`LIENTHONG_HOST`, `LIENTHONG_PORT`, 8080 by
 * default), the four services it proxies (`LIENTHONG_CONSOLE_INTAKE_URL`, `_SIGNING_URL`,
 * `_DELIVERY_URL`, `_ARCHIVE_URL`; a service left out answers 503 under `/api/<service>/`),
 * the largest body it passes on (`LIENTHONG_CONSOLE_MAX_BODY_BYTES`, 64 MiB), how long it waits
 * for a service's answer (`LIENTHONG_CONSOLE_UPSTREAM_TIMEOUT_MS`), and the demo callers'
 * file of `npm start` (`LIENTHONG_CONSOLE_DEMO_CALLERS_FILE`; absent in a real deployment), and
 * the identity provider the sign-in page logs in with (`LIENTHONG_CONSOLE_OIDC_*`, all or none:
 * see `oidcSettings`).
 * The console needs no database, bus or object store, so it has no `ServiceConfig`.
 */
import { ConfigError, loadConfig, Type } from '@lienthong/service';
import type { ConfigProblem, Env, LogLevel, Static } from '@lienthong/service';

/** The services the console reaches, by the name used in `/api/<name>/…`. */
export const proxiedServices = ['intake', 'signing', 'delivery', 'archive'] as const;

/** One of `proxiedServices`. */
export type ProxiedService = (typeof proxiedServices)[number];

// RFC 6749 §3.3: scope-token *( SP scope-token ), scope-token = 1*( %x21 / %x23-5B / %x5D-7E ).
const scopePattern = '^[\\x21\\x23-\\x5b\\x5d-\\x7e]+( [\\x21\\x23-\\x5b\\x5d-\\x7e]+)*$';

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
  LIENTHONG_CONSOLE_OIDC_ISSUER: Type.Optional(
    Type.String({
      maxLength: 2048,
      expected: "the identity provider's issuer: an https:// URL (http:// on loopback only), no query or fragment",
    }),
  ),
  LIENTHONG_CONSOLE_OIDC_CLIENT_ID: Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{1,255}$',
      expected: "the console's client_id at the identity provider (printable ASCII, no space)",
    }),
  ),
  LIENTHONG_CONSOLE_OIDC_SCOPE: Type.Optional(
    Type.String({
      pattern: scopePattern,
      maxLength: 1024,
      expected: 'space-separated scopes, `openid` among them (RFC 6749 §3.3)',
    }),
  ),
  LIENTHONG_CONSOLE_OIDC_RESOURCE: Type.Optional(
    Type.String({
      maxLength: 4096,
      expected: 'space-separated absolute URIs without fragment (RFC 8707 resource indicators)',
    }),
  ),
  LIENTHONG_CONSOLE_OIDC_AUDIENCE: Type.Optional(
    Type.String({
      pattern: '^[\\x21-\\x7e]{1,1024}$',
      expected: 'the `audience` parameter the identity provider asks for (printable ASCII, no space)',
    }),
  ),
});

/**
 * The identity provider's login (OpenID Connect authorization code with PKCE, the browser a
 * public client): what `GET /session/oidc` gives the sign-in page. None of it is secret.
 */
export interface OidcClientConfig {
  /** The issuer identifier, exactly as the provider's discovery document states it. */
  issuer: string;
  clientId: string;
  /** Space-separated, `openid` among them. */
  scope: string;
  /** RFC 8707 `resource` parameters, for a provider that chooses the token's audiences by them. */
  resource?: string[];
  /** An `audience` parameter, for a provider that asks for one instead. */
  audience?: string;
}

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
  /** The identity provider's login; undefined when not configured (a pasted token, or the demo chooser). */
  oidc?: OidcClientConfig;
}

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost']);

/** Why `issuer` is not a usable issuer identifier (OpenID Connect Discovery §2), or undefined. */
function issuerProblem(issuer: string): string | undefined {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return 'is not a URL';
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackHosts.has(url.hostname)))
    return 'must be an https:// URL (http:// only on loopback: 127.0.0.1, [::1], localhost)';
  if (url.username !== '' || url.password !== '') return 'must not hold credentials';
  if (url.search !== '' || url.hash !== '' || issuer.includes('?') || issuer.includes('#'))
    return 'must have no query or fragment';
  return undefined;
}

/**
 * The identity provider's settings, all or none: the issuer and the client id go together,
 * and a scope, resource or audience without them is a mistake, not a default. Each problem is
 * named by its variable (`ConfigError`).
 */
function oidcSettings(e: Static<typeof consoleConfigSchema>): OidcClientConfig | undefined {
  const problems: ConfigProblem[] = [];
  const issuer = e.LIENTHONG_CONSOLE_OIDC_ISSUER;
  const clientId = e.LIENTHONG_CONSOLE_OIDC_CLIENT_ID;
  if (issuer === undefined && clientId === undefined) {
    for (const name of [
      'LIENTHONG_CONSOLE_OIDC_SCOPE',
      'LIENTHONG_CONSOLE_OIDC_RESOURCE',
      'LIENTHONG_CONSOLE_OIDC_AUDIENCE',
    ] as const) {
      if (e[name] !== undefined)
        problems.push({ variable: name, problem: 'is set but LIENTHONG_CONSOLE_OIDC_ISSUER and _CLIENT_ID are not' });
    }
    if (problems.length > 0) throw new ConfigError(problems);
    return undefined;
  }
  if (issuer === undefined)
    problems.push({
      variable: 'LIENTHONG_CONSOLE_OIDC_ISSUER',
      problem: 'is required with LIENTHONG_CONSOLE_OIDC_CLIENT_ID',
    });
  else {
    const problem = issuerProblem(issuer);
    if (problem !== undefined)
      problems.push({
        variable: 'LIENTHONG_CONSOLE_OIDC_ISSUER',
        problem: `${problem} (got ${JSON.stringify(issuer)})`,
      });
  }
  if (clientId === undefined)
    problems.push({
      variable: 'LIENTHONG_CONSOLE_OIDC_CLIENT_ID',
      problem: 'is required with LIENTHONG_CONSOLE_OIDC_ISSUER',
    });
  const scope = e.LIENTHONG_CONSOLE_OIDC_SCOPE ?? 'openid';
  if (!scope.split(' ').includes('openid'))
    problems.push({
      variable: 'LIENTHONG_CONSOLE_OIDC_SCOPE',
      problem: `must include openid (got ${JSON.stringify(scope)})`,
    });
  const resource = e.LIENTHONG_CONSOLE_OIDC_RESOURCE?.split(/\s+/).filter((r) => r !== '');
  for (const r of resource ?? []) {
    if (!URL.canParse(r) || r.includes('#'))
      problems.push({
        variable: 'LIENTHONG_CONSOLE_OIDC_RESOURCE',
        problem: `must be absolute URIs without fragment (got ${JSON.stringify(r)})`,
      });
  }
  if (problems.length > 0 || issuer === undefined || clientId === undefined) throw new ConfigError(problems);
  return {
    issuer,
    clientId,
    scope,
    ...(resource === undefined ? {} : { resource }),
    ...(e.LIENTHONG_CONSOLE_OIDC_AUDIENCE === undefined ? {} : { audience: e.LIENTHONG_CONSOLE_OIDC_AUDIENCE }),
  };
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
  const oidc = oidcSettings(e);
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
    ...(oidc === undefined ? {} : { oidc }),
  };
}
