/**
 * Vietnamese text folded for search: what a subject is stored as (`subject_folded`) and what
 * a query is turned into, by this one function, so that "ke hoach" and "Kế hoạch" meet.
 * Each syllable of Vietnamese is written as a word, so each becomes one token of the
 * `simple` text-search configuration (no stemming, no stop words, no extension needed).
 */

/** Combining marks (tones, breve, circumflex, horn) once NFD has taken them off their letters. */
const marks = /\p{M}+/gu;

/**
 * The text lower-cased, without diacritics (NFD, combining marks removed; `đ`/`Đ` and the
 * look-alike `Ð` become `d`, since NFD leaves them whole), every run of what is not a letter
 * or a digit made one space, trimmed. `keep` names characters to leave in place (a query's
 * double quotes, which mark a phrase for `websearch_to_tsquery`).
 */
export function foldText(text: string, keep = ''): string {
  const folded = text
    .normalize('NFD')
    .replace(marks, '')
    .replace(/[đĐÐð]/g, 'd')
    .toLowerCase();
  const other = keep === '' ? /[^\p{L}\p{N}]+/gu : new RegExp(`[^\\p{L}\\p{N}${escapeClass(keep)}]+`, 'gu');
  return folded.replace(other, ' ').trim();
}

function escapeClass(chars: string): string {
  return chars.replace(/[\\\]^-]/g, '\\$&');
}
