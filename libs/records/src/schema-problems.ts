import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { ValueErrorType, type ValueError } from '@sinclair/typebox/errors';
import { Value } from '@sinclair/typebox/value';
import { maxProblems, type Problem } from './problems.ts';
import { dateTimePattern } from './schemas.ts';

/** `dateTimePattern` compiled once: this check runs for every date-time of every event checked. */
const dateTimeRegExp = new RegExp(dateTimePattern);
import { textProblem } from './text.ts';

/** A schema error's message in plain words: a union of literals lists its values, a pattern says what it wants. */
function messageOf(error: ValueError): string {
  if (error.type === ValueErrorType.ObjectRequiredProperty) return 'is required';
  const anyOf = (error.schema as { anyOf?: readonly { const?: unknown }[] }).anyOf;
  if (anyOf !== undefined && anyOf.every((s) => s.const !== undefined)) {
    return `must be one of ${anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  }
  const description = (error.schema as { description?: unknown }).description;
  if (error.type === ValueErrorType.StringPattern && typeof description === 'string') return `must be ${description}`;
  return error.message;
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>();

/** `schema` compiled to one function (TypeBox `TypeCompiler`), once per schema. */
function checkOf(schema: TSchema): TypeCheck<TSchema> {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = TypeCompiler.Compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/**
 * The problems of `value` against `schema` (TypeBox `Value.Errors`), at most `limit`, one
 * per pointer and message; a missing property is reported once ("is required"), not also
 * for the type it lacks.
 */
export function schemaProblems(schema: TSchema, value: unknown, limit = maxProblems): Problem[] {
  // Most values are valid: the compiled check says so in a fraction of the time the error
  // walk takes (it visits every member whatever it finds); the walk runs only to say what is wrong.
  if (checkOf(schema).Check(value)) return [];
  const problems: Problem[] = [];
  const required = new Set<string>();
  const seen = new Set<string>();
  for (const error of Value.Errors(schema, value)) {
    if (error.type === ValueErrorType.ObjectRequiredProperty) required.add(error.path);
    const problem = { pointer: error.path, message: messageOf(error) };
    const key = `${problem.pointer}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
    if (problems.length >= limit * 2) break;
  }
  return problems.filter((p) => !required.has(p.pointer) || p.message === 'is required').slice(0, limit);
}

/** `schema` problems, where a rule's own message at a pointer replaces the schema's (it says more). */
export function mergeProblems(fromSchema: readonly Problem[], fromRules: readonly Problem[]): Problem[] {
  const ruled = new Set(fromRules.map((p) => p.pointer));
  return [...fromSchema.filter((p) => !ruled.has(p.pointer)), ...fromRules].slice(0, maxProblems);
}

/** Deepest nesting `stringProblems` walks; the schemas nest four levels, and a hostile value could nest thousands. */
export const maxDepth = 32;

/**
 * The text problems of every string inside `value` (NFC, control and invisible
 * characters, white space at the ends; `textProblem` with no length rule), for data whose
 * schema has already bounded lengths. A value nested deeper than `maxDepth` is one
 * problem, not a stack overflow.
 */
export function stringProblems(value: unknown, pointer = '', out: Problem[] = [], depth = 0): Problem[] {
  if (out.length >= maxProblems) return out;
  if (typeof value === 'string') {
    const message = textProblem(value, { maxLength: Number.MAX_SAFE_INTEGER, minLength: 0 });
    if (message !== undefined) out.push({ pointer, message });
  } else if (value !== null && typeof value === 'object') {
    if (depth >= maxDepth) {
      out.push({ pointer, message: `is nested more than ${maxDepth} levels deep` });
      return out;
    }
    const entries: [string, unknown][] = Array.isArray(value)
      ? value.map((item, i): [string, unknown] => [String(i), item])
      : Object.entries(value);
    for (const [key, item] of entries) {
      if (out.length >= maxProblems) break;
      stringProblems(item, `${pointer}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, out, depth + 1);
    }
  }
  return out;
}

/** Whether `text` (already matching the `DateTime` pattern) names a real instant: month 1–12, day of that month, hour ≤ 23. */
export function isRealDateTime(text: string): boolean {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return false;
  // Date.parse rolls 31 April over to 1 May on some engines; compare the written date with the read one.
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(text);
  if (m === null) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const local = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    local.getUTCFullYear() === y &&
    local.getUTCMonth() === mo - 1 &&
    local.getUTCDate() === d &&
    h < 24 &&
    mi < 60 &&
    s < 60
  );
}

/** Problems of the date-times in `value` that match the `DateTime` pattern but name no real instant (31 February). */
export function dateTimeProblems(schema: TSchema, value: unknown, pointer = '', out: Problem[] = []): Problem[] {
  if (out.length >= maxProblems) return out;
  const s = schema as { pattern?: string; properties?: Record<string, TSchema>; items?: TSchema; anyOf?: TSchema[] };
  if (
    s.pattern === dateTimePattern &&
    typeof value === 'string' &&
    dateTimeRegExp.test(value) &&
    !isRealDateTime(value)
  ) {
    out.push({ pointer, message: 'is not a real date and time' });
  }
  if (s.properties !== undefined && value !== null && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, sub] of Object.entries(s.properties)) {
      if (Object.hasOwn(value, key))
        dateTimeProblems(sub, (value as Record<string, unknown>)[key], `${pointer}/${key}`, out);
    }
  }
  if (s.items !== undefined && Array.isArray(value))
    value.forEach((v, i) => dateTimeProblems(s.items as TSchema, v, `${pointer}/${i}`, out));
  for (const member of s.anyOf ?? []) dateTimeProblems(member, value, pointer, out);
  return out;
}
