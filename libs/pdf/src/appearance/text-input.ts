import { AppearanceError } from './errors.ts';

/** The longest text one appearance accepts, in code points. */
export const MAX_TEXT_CODE_POINTS = 4096;

/**
 * Normalizes a text to draw to Unicode NFC (Vietnamese letters precomposed,
 * as fonts map them) and rejects empty texts, control characters and
 * texts too long for an appearance. `where` names the text in errors.
 */
export function normalizeText(text: unknown, where: string): string {
  if (typeof text !== 'string') throw new AppearanceError('INVALID_ARGUMENT', `${where} is not a string.`);
  const s = text.normalize('NFC');
  if (s.trim() === '') throw new AppearanceError('TEXT_EMPTY', `${where} is empty.`);
  let count = 0;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0xd800 && cp < 0xe000)) {
      throw new AppearanceError('TEXT_INVALID', `${where} has the control character U+${hex4(cp)} at ${count}.`);
    }
    if (++count > MAX_TEXT_CODE_POINTS) {
      throw new AppearanceError('TEXT_INVALID', `${where} is longer than ${MAX_TEXT_CODE_POINTS} characters.`);
    }
  }
  return s;
}

/** A code point as four (or more) uppercase hexadecimal digits. */
export function hex4(cp: number): string {
  return cp.toString(16).toUpperCase().padStart(4, '0');
}
