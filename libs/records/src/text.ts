/**
 * The rules for text a person reads: a document's subject (trích yếu), names, titles,
 * reasons. Vietnamese is written in Unicode NFC (TCVN 6909:2001 is Unicode; NFC is the
 * form Vietnamese government software exchanges), so two spellings that look the same
 * compare the same only when both are NFC; text in another form is refused rather than
 * silently normalised, so that what was signed is what is stored. Invisible and
 * direction-changing characters are refused: a subject must read the same on every screen.
 */
import { RecordsError } from './errors.ts';

/** What a piece of text must satisfy. */
export interface TextRules {
  /** Most characters (Unicode code points). */
  maxLength: number;
  /** Fewest characters (default 1: not empty). */
  minLength?: number;
  /** Allow line feeds (U+000A) inside (default false). */
  multiline?: boolean;
}

function hex(code: number): string {
  return 'U+' + code.toString(16).toUpperCase().padStart(4, '0');
}

/** Why a code point may not appear in text, or undefined when it may. */
export function forbiddenReason(code: number, multiline: boolean): string | undefined {
  if (code === 0x0a && multiline) return undefined;
  if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return 'a control character';
  if (code === 0x2028 || code === 0x2029) return 'a line or paragraph separator';
  if (
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x202a && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff ||
    code === 0x00ad
  ) {
    return 'an invisible or direction-changing character';
  }
  if ((code >= 0xe000 && code <= 0xf8ff) || code >= 0xf0000) return 'a private-use character (a legacy font encoding?)';
  if ((code & 0xfffe) === 0xfffe || (code >= 0xfdd0 && code <= 0xfdef)) return 'a Unicode noncharacter';
  return undefined;
}

/**
 * What is wrong with `value` as text under `rules`, or undefined when nothing is: too
 * long or short, badly formed UTF-16 (a lone surrogate), a control, invisible,
 * direction-changing or private-use character (named with its position), not NFC, blank,
 * or with leading or trailing white space.
 */
export function textProblem(value: string, rules: TextRules): string | undefined {
  const min = rules.minLength ?? 1;
  // Bound the work before looking at characters: a code point is at most two UTF-16 units.
  if (value.length > rules.maxLength * 2) return `must be at most ${rules.maxLength} characters`;
  if (!value.isWellFormed()) return 'is not well-formed Unicode (a lone surrogate)';
  let count = 0;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    const reason = forbiddenReason(code, rules.multiline === true);
    if (reason !== undefined) return `must not contain ${reason} (${hex(code)} at character ${count + 1})`;
    count++;
  }
  if (count > rules.maxLength) return `must be at most ${rules.maxLength} characters, got ${count}`;
  if (count < min) return min === 1 ? 'must not be empty' : `must be at least ${min} characters, got ${count}`;
  if (count === 0) return undefined;
  if (value.normalize('NFC') !== value) return 'must be in Unicode NFC form (compose the Vietnamese letters)';
  if (value.trim() === '') return 'must not be blank';
  if (value.trim() !== value) return 'must not begin or end with white space';
  return undefined;
}

/** `textProblem` that throws `RECORDS_TEXT_INVALID` naming `what`; returns the value. */
export function checkText(value: string, rules: TextRules, what: string): string {
  const problem = textProblem(value, rules);
  if (problem !== undefined) throw new RecordsError('RECORDS_TEXT_INVALID', `${what} ${problem}`);
  return value;
}

/**
 * `value` quoted for a message or a log line, at most `max` characters: control,
 * invisible, direction-changing and private-use characters and lone surrogates are
 * written `\u{…}`, so a hostile value cannot garble the line that reports it.
 */
export function quote(value: unknown, max = 40): string {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value !== 'string') return `a value of type ${typeof value}`;
  let out = '"';
  let count = 0;
  for (const char of value) {
    if (count++ === max) return out + '…"';
    const code = char.codePointAt(0) ?? 0;
    if (char === '"' || char === '\\') out += '\\' + char;
    else if (forbiddenReason(code, false) !== undefined || (code >= 0xd800 && code <= 0xdfff)) {
      out += `\\u{${code.toString(16).toUpperCase()}}`;
    } else out += char;
  }
  return out + '"';
}
