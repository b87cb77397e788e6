/**
 * Configuration loading: the one place that reads environment variables. A TypeBox
 * object schema names every variable with its type and default; `loadConfig` applies
 * the defaults, treats an empty value as missing, converts numbers and booleans, and
 * fails with one line that names the variable and says what is wrong.
 */
import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { Kind } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** The environment as `process.env` gives it. */
export type Env = Record<string, string | undefined>;

/** One variable that is missing or wrong. */
export interface ConfigProblem {
  variable: string;
  /** What is wrong, e.g. `must be an integer 1-65535 (got "abc")`. */
  problem: string;
}

/**
 * Thrown when the configuration is missing or invalid. `message` is a single line
 * (`config: LIENTHONG_PORT must be an integer 1-65535 (got "abc")`), fit to print as is.
 */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[];
  constructor(problems: ConfigProblem[]) {
    super(`config: ${problems.map((p) => `${p.variable} ${p.problem}`).join('; ')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}

/**
 * Schema options understood by `loadConfig` on top of JSON Schema:
 * `expected` says in words what a valid value is ("an integer 1-65535");
 * `secret` keeps the value out of error messages.
 */
export interface ConfigVariableOptions {
  expected?: string;
  secret?: boolean;
}

/**
 * Reads the variables that `schema` declares from `env` (others are ignored), applies
 * defaults, converts types and validates. Throws `ConfigError` naming each bad variable.
 */
export function loadConfig<T extends TObject>(schema: T, env: Env): Static<T> {
  const raw: Record<string, string> = {};
  for (const name of Object.keys(schema.properties)) {
    const value = env[name]?.trim();
    // An empty variable is a missing one (compose files and CI often set FOO=).
    if (value !== undefined && value !== '') raw[name] = value;
  }
  const value = Value.Convert(schema, Value.Default(schema, { ...raw })) as Record<string, unknown>;
  for (const [name, given] of Object.entries(raw)) {
    // Value.Convert truncates "1.5" to 1; an integer variable must be written as one.
    if ((schema.properties[name] as { type?: unknown } | undefined)?.type === 'integer' && !/^[+-]?\d+$/.test(given)) {
      value[name] = given;
    }
  }
  if (Value.Check(schema, value)) return value;
  const problems: ConfigProblem[] = [];
  for (const error of Value.Errors(schema, value)) {
    const name = error.path.split('/')[1] ?? '';
    if (name === '' || problems.some((p) => p.variable === name)) continue;
    const property = schema.properties[name];
    if (property === undefined) continue;
    problems.push({ variable: name, problem: describeProblem(property, raw[name]) });
  }
  if (problems.length === 0) problems.push({ variable: 'environment', problem: 'is invalid' });
  throw new ConfigError(problems);
}

function describeProblem(schema: TSchema, given: string | undefined): string {
  if (given === undefined) return 'is required';
  const options = schema as TSchema & ConfigVariableOptions;
  const shown = options.secret === true ? '' : ` (got ${JSON.stringify(given)})`;
  return `must be ${describeExpected(schema)}${shown}`;
}

/** Words for what `schema` accepts, used in error messages. */
export function describeExpected(schema: TSchema): string {
  const s = schema as TSchema & ConfigVariableOptions & Record<string, unknown>;
  if (typeof s.expected === 'string') return s.expected;
  const anyOf = s.anyOf as TSchema[] | undefined;
  if (s[Kind] === 'Union' && anyOf?.every((member) => 'const' in member)) {
    return `one of ${anyOf.map((member) => String(member.const)).join(', ')}`;
  }
  const range = (lo: number | undefined, hi: number | undefined): string =>
    lo !== undefined && hi !== undefined
      ? ` ${String(lo)}-${String(hi)}`
      : lo !== undefined
        ? ` >= ${String(lo)}`
        : hi !== undefined
          ? ` <= ${String(hi)}`
          : '';
  switch (s.type) {
    case 'integer':
      return `an integer${range(s.minimum as number | undefined, s.maximum as number | undefined)}`;
    case 'number':
      return `a number${range(s.minimum as number | undefined, s.maximum as number | undefined)}`;
    case 'boolean':
      return 'true or false';
    case 'string':
      return typeof s.pattern === 'string' ? `a string matching ${s.pattern}` : 'a non-empty string';
    default:
      return 'valid';
  }
}
