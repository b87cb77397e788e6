/**
 * Register series (sổ đăng ký văn bản đi) as configuration. The Party rule (36-HD/VPTW)
 * is a series per document type, starting at 01 with each committee term (nhiệm kỳ,
 * congress to congress), secret documents continuing the same series, joint documents in
 * the lead body's series; the state rule (Nghị định 30/2020) is per calendar year with
 * secret documents in a series of their own. So the series key is (office, series name,
 * period), where an office maps types to series (several may share one) and chooses term
 * or year periods (docs/DOMAIN.md "Numbering"). Periods are counted in Vietnam's local
 * time (UTC+7, no daylight saving), so a document issued at 20:00 UTC on 31 December
 * belongs to the next year.
 */
import { documentTypes, type DocumentType } from './document-types.ts';
import { RecordsError } from './errors.ts';
import { quote, textProblem } from './text.ts';

/** One named series shared by several document types. */
export interface SharedSeries {
  name: string;
  types: readonly string[];
}

/** A committee term: its first day (the congress), `YYYY-MM-DD` in local time, and an optional name ("2025–2030"). */
export interface Term {
  start: string;
  name?: string;
}

/** How one office numbers its outgoing documents. */
export interface SeriesConfig {
  /** The office's code. */
  office: string;
  /** Numbering restarts each calendar year, or each committee term (then `terms` says when each began). */
  period: { kind: 'year' } | { kind: 'term'; terms: readonly Term[] };
  /** Series that several types share; a type in none has a series of its own named by its code. */
  shared?: readonly SharedSeries[];
  /** When set, secret documents (any level but ordinary) are numbered in this series (the state rule). */
  secretSeries?: string;
  /** Minutes east of UTC of the office's local time (default 420, UTC+7). */
  utcOffsetMinutes?: number;
  /** The document types known (default `documentTypes`). */
  types?: readonly DocumentType[];
}

/** The register series a number is taken from. */
export interface SeriesKey {
  office: string;
  series: string;
  /** `2026` for a year; the term's start `2025-10-15` for a term. */
  period: string;
  /** The period's first day, `YYYY-MM-DD` local time. */
  periodStart: string;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function isCalendarDate(text: string): boolean {
  const m = datePattern.exec(text);
  if (m === null) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/**
 * Checks a configuration and returns it frozen, terms sorted. Throws
 * `RECORDS_SERIES_CONFIG_INVALID` listing every problem: an unknown type, a type in two
 * series, a series name that is not clean text or holds `/`, a term start that is not a
 * calendar date or appears twice, no terms, an offset beyond ±14 hours.
 */
export function defineSeriesConfig(config: SeriesConfig): SeriesConfig {
  const problems: string[] = [];
  const types = config.types ?? documentTypes;
  const officeProblem = textProblem(config.office, { maxLength: 64 });
  if (officeProblem !== undefined) problems.push(`office ${officeProblem}`);
  const nameProblem = (name: string): string | undefined =>
    textProblem(name, { maxLength: 32 }) ?? (name.includes('/') ? 'must not contain /' : undefined);
  const owner = new Map<string, string>();
  for (const series of config.shared ?? []) {
    const p = nameProblem(series.name);
    if (p !== undefined) problems.push(`series name ${quote(series.name)} ${p}`);
    if (series.types.length === 0) problems.push(`series ${quote(series.name)} has no types`);
    for (const type of series.types) {
      if (!types.some((x) => x.code === type))
        problems.push(`series ${quote(series.name)}: ${quote(type)} is not a document type`);
      const before = owner.get(type);
      if (before !== undefined) problems.push(`${type} is in two series, ${quote(before)} and ${quote(series.name)}`);
      owner.set(type, series.name);
    }
  }
  if (config.secretSeries !== undefined) {
    const p = nameProblem(config.secretSeries);
    if (p !== undefined) problems.push(`secretSeries ${p}`);
  }
  const offset = config.utcOffsetMinutes ?? 420;
  if (!Number.isInteger(offset) || Math.abs(offset) > 14 * 60)
    problems.push('utcOffsetMinutes must be an integer within ±840');
  let period = config.period;
  if (period.kind === 'term') {
    if (period.terms.length === 0) problems.push('a term period needs at least one term');
    const starts = new Set<string>();
    for (const term of period.terms) {
      if (!isCalendarDate(term.start)) problems.push(`term start ${quote(term.start)} is not a YYYY-MM-DD date`);
      if (starts.has(term.start)) problems.push(`term start ${term.start} is given twice`);
      starts.add(term.start);
      if (term.name !== undefined) {
        const p = textProblem(term.name, { maxLength: 64 });
        if (p !== undefined) problems.push(`term name ${p}`);
      }
    }
    const terms = [...period.terms].sort((a, b) => (a.start < b.start ? -1 : 1)).map((x) => Object.freeze({ ...x }));
    period = Object.freeze({ kind: 'term', terms: Object.freeze(terms) });
  } else if (period.kind !== 'year') {
    problems.push('period.kind must be "year" or "term"');
  }
  if (problems.length > 0) throw new RecordsError('RECORDS_SERIES_CONFIG_INVALID', problems.join('; '));
  return Object.freeze({ ...config, period, utcOffsetMinutes: offset, types });
}

/**
 * The configuration of an office that has none of its own: a series per type with quy định
 * in the QĐ series (DOMAIN "Numbering"), restarting each calendar year in local time.
 * The Party rule counts by committee term, but a term's first day is the office's own fact
 * (its congress), so an office that numbers by term must say when its terms began.
 */
export function defaultSeriesConfig(office: string): SeriesConfig {
  return defineSeriesConfig({ office, period: { kind: 'year' }, shared: [{ name: 'QĐ', types: ['QĐ', 'QĐi'] }] });
}

/** The local calendar date of `date` at `offsetMinutes` east of UTC, `YYYY-MM-DD`. */
export function localDate(date: Date, offsetMinutes = 420): string {
  return new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
}

/** What decides a document's series: its type, its issue time, its secrecy level. */
export interface SeriesInput {
  type: string;
  date: Date;
  /** Any level but `ordinary` goes to `secretSeries` when the configuration has one. */
  secrecy?: string;
}

/**
 * The series key a document takes its number from, under a configuration checked by
 * `defineSeriesConfig`. Throws `RECORDS_DOCUMENT_TYPE_UNKNOWN` for a type the
 * configuration does not know, and `RECORDS_PERIOD_UNKNOWN` for a date before its first
 * term (or an invalid date).
 */
export function seriesOf(config: SeriesConfig, input: SeriesInput): SeriesKey {
  const types = config.types ?? documentTypes;
  if (!types.some((x) => x.code === input.type)) {
    throw new RecordsError(
      'RECORDS_DOCUMENT_TYPE_UNKNOWN',
      `${quote(input.type)} is not a document type of ${config.office}`,
    );
  }
  if (Number.isNaN(input.date.getTime()))
    throw new RecordsError('RECORDS_PERIOD_UNKNOWN', 'the date is not a valid date');
  const secret = input.secrecy !== undefined && input.secrecy !== 'ordinary';
  const series =
    secret && config.secretSeries !== undefined
      ? config.secretSeries
      : (config.shared?.find((x) => x.types.includes(input.type))?.name ?? input.type);
  const day = localDate(input.date, config.utcOffsetMinutes ?? 420);
  if (config.period.kind === 'year') {
    const year = day.slice(0, 4);
    return { office: config.office, series, period: year, periodStart: `${year}-01-01` };
  }
  const term = config.period.terms
    .filter((x) => x.start <= day)
    .reduce<Term | undefined>((latest, x) => (latest === undefined || x.start > latest.start ? x : latest), undefined);
  if (term === undefined) {
    throw new RecordsError('RECORDS_PERIOD_UNKNOWN', `${day} is before the first configured term of ${config.office}`);
  }
  return { office: config.office, series, period: term.start, periodStart: term.start };
}

/**
 * The series of the incoming register (sổ đăng ký văn bản đến) an accepted document is
 * numbered in: one per office per calendar year, local time (docs/DOMAIN.md "Numbering":
 * "an incoming number per office per year").
 */
export function incomingSeriesOf(office: string, date: Date, utcOffsetMinutes = 420): SeriesKey {
  if (Number.isNaN(date.getTime())) throw new RecordsError('RECORDS_PERIOD_UNKNOWN', 'the date is not a valid date');
  const year = localDate(date, utcOffsetMinutes).slice(0, 4);
  return { office, series: 'incoming', period: year, periodStart: `${year}-01-01` };
}
