/**
 * What a compose file gives a container: variable interpolation as the Compose Specification
 * defines it (`$$`, `$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME-default}`,
 * `${NAME:?error}`, `${NAME?error}`), `.env` files, and the environment of one service
 * including the secrets the image's entry point exports (files /run/secrets/LIENTHONG_*).
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** Variables as a `.env` file gives them. */
export type Variables = Record<string, string>;

/** Parses a `.env` file: NAME=VALUE lines; blank lines and `#` comments skipped; no quoting. */
export function parseDotEnv(text: string): Variables {
  const variables: Variables = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (match === null) throw new Error(`line ${index + 1} is not NAME=VALUE: ${JSON.stringify(line)}`);
    variables[match[1]!] = match[2]!;
  }
  return variables;
}

const reference = /\$(?:\$|\{([^}]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Interpolates one string; throws on `${` without `}` and on a `:?`/`?` variable that is missing. */
export function interpolate(value: string, variables: Variables): string {
  if (/\$\{[^}]*$/.test(value.replace(/\$\$/g, ''))) throw new Error(`unclosed \${ in ${JSON.stringify(value)}`);
  return value.replace(reference, (whole, braced: string | undefined, bare: string | undefined) => {
    if (whole === '$$') return '$';
    if (bare !== undefined) return variables[bare] ?? '';
    const match = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])(.*))?$/s.exec(braced ?? '');
    if (match === null) throw new Error(`bad substitution ${whole}`);
    const [, name, operator, operand] = match as unknown as [string, string, string | undefined, string | undefined];
    const given = variables[name];
    const missing = operator?.startsWith(':') === true ? given === undefined || given === '' : given === undefined;
    if (operator === undefined || !missing) return given ?? '';
    if (operator.endsWith('?')) throw new Error(`${name} is required: ${operand ?? ''}`);
    return interpolate(operand ?? '', variables);
  });
}

/** Interpolates every string of a parsed compose file (keys stay as they are). */
export function interpolateDeep(value: unknown, variables: Variables): unknown {
  if (typeof value === 'string') return interpolate(value, variables);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, variables));
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateDeep(item, variables)]));
  }
  return value;
}

/** The parts of a compose file read here. */
export interface ComposeFile {
  services: Record<string, ComposeService>;
  secrets?: Record<string, { file?: string }>;
}

interface ComposeService {
  environment?: Record<string, string | number | boolean | null> | string[];
  secrets?: (string | { source: string; target?: string })[];
}

/** A service's `environment`, in either form, as strings. */
export function environmentOf(service: ComposeService): Variables {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]),
  );
}

/** The name each of a service's secrets has under /run/secrets, with its compose secret. */
export function secretsOf(
  compose: ComposeFile,
  serviceName: string,
): { target: string; source: string; file: string }[] {
  const service = compose.services[serviceName];
  if (service === undefined) throw new Error(`no service ${serviceName}`);
  return (service.secrets ?? []).map((entry) => {
    const source = typeof entry === 'string' ? entry : entry.source;
    const target = typeof entry === 'string' ? entry : (entry.target ?? entry.source);
    const file = compose.secrets?.[source]?.file;
    if (file === undefined) throw new Error(`${serviceName}: secret ${source} is not a top-level file secret`);
    return { target, source, file };
  });
}

/**
 * What the process of `serviceName` sees: its environment, then every secret whose target
 * is a LIENTHONG_ variable, read from `secretsDir` (the folder make-secrets.sh filled) as
 * the image's entry point reads /run/secrets (trailing newlines dropped, as `$(cat)` does).
 */
export async function processEnvironment(
  compose: ComposeFile,
  serviceName: string,
  secretsDir: string,
): Promise<Variables> {
  const service = compose.services[serviceName];
  if (service === undefined) throw new Error(`no service ${serviceName}`);
  const env = environmentOf(service);
  for (const secret of secretsOf(compose, serviceName)) {
    if (!/^LIENTHONG_[A-Z0-9_]+$/.test(secret.target)) continue;
    env[secret.target] = (await readFile(join(secretsDir, basename(secret.file)), 'utf8')).replace(/\n+$/, '');
  }
  return env;
}
