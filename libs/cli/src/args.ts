import { parseArgs } from 'node:util';
import { CliError } from './errors.ts';

/** One option as node:util parseArgs takes it. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly multiple?: boolean;
  readonly short?: string;
}

/**
 * Parses a command's arguments strictly (unknown options and missing values
 * are USAGE errors that point at the command's --help).
 */
export function parseCommandLine<const O extends Record<string, OptionSpec>>(
  command: string,
  args: readonly string[],
  options: O,
) {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals: true });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    throw new CliError('USAGE', `${message.replace(/\.$/, '')}. Run 'lienthong ${command} --help'.`, { cause: e });
  }
}

/** The value of a required option, or a USAGE error naming it. */
export function required(command: string, name: string, value: string | undefined): string {
  if (value === undefined || value === '')
    throw new CliError('USAGE', `${command}: --${name} is required. Run 'lienthong ${command} --help'.`);
  return value;
}

/** Exactly `count` positional arguments, or a USAGE error. */
export function positionals(command: string, values: readonly string[], names: readonly string[]): string[] {
  if (values.length !== names.length) {
    const want = names.map((n) => n.toUpperCase()).join(' ');
    throw new CliError(
      'USAGE',
      `${command}: expected ${want === '' ? 'no arguments' : want}, got ${values.length === 0 ? 'none' : values.join(' ')}. Run 'lienthong ${command} --help'.`,
    );
  }
  return [...values];
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** Reads an ISO-8601 date or date-time; without an offset it is taken as UTC. */
export function parseIsoDate(option: string, value: string): Date {
  if (!ISO_8601.test(value))
    throw new CliError(
      'BAD_DATE',
      `--${option} ${value}: not an ISO-8601 date or date-time (e.g. 2026-06-01T00:00:00Z).`,
    );
  const [y, m, d] = value.slice(0, 10).split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  const [hh, mm, ss] = (value.slice(11, 19).match(/\d{2}/g) ?? []).map(Number);
  if (day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d || (hh ?? 0) > 23 || (mm ?? 0) > 59 || (ss ?? 0) > 59) {
    throw new CliError('BAD_DATE', `--${option} ${value}: not a calendar date and time.`);
  }
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(value) && value.includes('T');
  const text =
    value.length === 10 ? `${value}T00:00:00Z` : hasZone ? value.replace(' ', 'T') : `${value.replace(' ', 'T')}Z`;
  const date = new Date(text);
  if (Number.isNaN(date.getTime())) throw new CliError('BAD_DATE', `--${option} ${value}: not a calendar date.`);
  return date;
}

/** Reads a whole number within [min, max]. */
export function parseInteger(option: string, value: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max)
    throw new CliError('USAGE', `--${option} ${value}: expected a whole number from ${min} to ${max}.`);
  return Number(value);
}
