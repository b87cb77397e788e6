/**
 * Problems found by a validator: where (a JSON Pointer, RFC 6901, into the value checked)
 * and what. Validators return every problem they find, up to `maxProblems`, rather than
 * stopping at the first, so a client can fix a document in one round.
 */

/** One problem of a value: `pointer` is "" for the value itself, "/subject", "/recipients/offices/3". */
export interface Problem {
  pointer: string;
  message: string;
}

/** A validator's answer: the value, typed, or every problem found. */
export type Checked<T> = { ok: true; value: T } | { ok: false; problems: Problem[] };

/** At most this many problems are reported; a list of 10 000 bad recipients says so in 100 lines. */
export const maxProblems = 100;

/** The JSON Pointer (RFC 6901 §3) of a path: `~` becomes `~0`, `/` becomes `~1`. */
export function pointerOf(...segments: readonly (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('');
}

/** The problems as one line each, for an error's detail: `/subject: must not be empty; …`. */
export function describeProblems(problems: readonly Problem[]): string {
  return problems.map((p) => `${p.pointer === '' ? '(value)' : p.pointer}: ${p.message}`).join('; ');
}
