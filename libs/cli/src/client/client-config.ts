/**
 * The client configuration of the commands that talk to the services: where each service
 * listens and the access token to call them with, in one JSON file named by `--config
 * FILE` or, without it, by the environment variable `LIENTHONG_CONFIG`:
 *
 * ```json
 * { "endpoints": { "intake": "http://127.0.0.1:8081", "signing": "http://127.0.0.1:8082" }, "token": "eyJ…" }
 * ```
 *
 * `npm start` writes one per demo caller. The token is a secret: it is never printed.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { fileErrorReason } from '../inputs/files.ts';

/** The services a configuration may name. */
export const serviceNames = ['intake', 'signing', 'archive', 'delivery'] as const;

/** A service by name. */
export type ServiceName = (typeof serviceNames)[number];

/** A read configuration. */
export interface ClientConfig {
  /** Where it came from (for messages). */
  path: string;
  endpoints: Partial<Record<ServiceName, URL>>;
  token: string;
}

/** The environment variable naming the configuration file when `--config` is not given. */
export const configVariable = 'LIENTHONG_CONFIG';

const invalid = (path: string, why: string): CliError => new CliError('CONFIG_INVALID', `${path}: ${why}.`);

/** Reads the configuration of `--config` (`option`), else of LIENTHONG_CONFIG; exit 2 with a clear line when there is none or it is unusable. */
export function readClientConfig(io: CliIo, option: string | undefined): ClientConfig {
  const path = option ?? io.env[configVariable];
  if (path === undefined || path === '')
    throw new CliError(
      'CONFIG_MISSING',
      `name the client configuration with --config FILE or ${configVariable} (npm start writes one per demo caller under .data/embedded/cli/<office>/<role>.json).`,
    );
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, path), 'utf8');
  } catch (e) {
    throw new CliError('CONFIG_INVALID', `${path}: ${fileErrorReason(e)}.`, { cause: e });
  }
  let value: unknown;
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new CliError('CONFIG_INVALID', `${path}: not JSON (${e instanceof Error ? e.message : String(e)}).`, {
      cause: e,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw invalid(path, 'expected an object { "endpoints": { … }, "token": "…" }');
  const { endpoints, token, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw invalid(path, `unknown field ${unknown[0]} (fields: endpoints, token)`);
  if (typeof token !== 'string' || !/^[A-Za-z0-9._~+/-]+=*$/.test(token))
    throw invalid(path, '"token" must be an access token (a JWT, as lienthong token issue prints)');
  if (typeof endpoints !== 'object' || endpoints === null || Array.isArray(endpoints))
    throw invalid(path, '"endpoints" must be an object naming service URLs');
  const read: Partial<Record<ServiceName, URL>> = {};
  for (const [name, url] of Object.entries(endpoints)) {
    if (!(serviceNames as readonly string[]).includes(name))
      throw invalid(path, `endpoints.${name}: not a service (${serviceNames.join(', ')})`);
    const parsed = typeof url === 'string' && URL.canParse(url) ? new URL(url) : undefined;
    if (parsed === undefined || !['http:', 'https:'].includes(parsed.protocol) || parsed.username !== '')
      throw invalid(path, `endpoints.${name}: expected an http:// or https:// URL without credentials`);
    read[name as ServiceName] = parsed;
  }
  return { path, endpoints: read, token };
}

/** The base URL of `service`, or CONFIG_INVALID saying the configuration does not name it. */
export function endpointOf(config: ClientConfig, service: ServiceName): URL {
  const url = config.endpoints[service];
  if (url === undefined)
    throw invalid(config.path, `endpoints.${service} is missing: this command talks to ${service}`);
  return url;
}
