/**
 * The shapes of statement fields: directory codes and ids as libs/records defines them
 * (`Code`, `Id`), UUIDs, SHA-256 in lower-case hex, instants in one fixed UTC form, and text
 * a person reads (NFC, one line, no control or invisible characters).
 */

/** A directory code (office): ASCII letters, digits, `.`, `_`, `-`; 1–64 (libs/records `Code`). */
export const codePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** An id of a document or a delivery: printable ASCII without spaces, 1–128 (libs/records `Id`). */
export const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** A UUID (RFC 9562) in its lower-case text form. */
export const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** A SHA-256 digest: 64 lower-case hex digits. */
export const sha256Pattern = /^[0-9a-f]{64}$/;

/** An instant as `Date.prototype.toISOString` writes it: UTC, milliseconds, `Z`. */
export const instantPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** C0, DEL and C1 controls, zero-width and direction-changing characters, separators, BOM, soft hyphen. */
function isForbiddenInText(code: number): boolean {
  return (
    code <= 0x1f ||
    (code >= 0x7f && code <= 0x9f) ||
    code === 0xad ||
    (code >= 0x200b && code <= 0x200f) ||
    (code >= 0x2028 && code <= 0x202e) ||
    (code >= 0x2060 && code <= 0x2064) ||
    (code >= 0x2066 && code <= 0x2069) ||
    code === 0xfeff
  );
}

/** The instant `value` writes, or undefined when it is not one in the form of {@link instantPattern}. */
export function readInstant(value: string): Date | undefined {
  if (!instantPattern.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) || date.toISOString() !== value ? undefined : date;
}

/** Why `value` is not acceptable text of at most `maxLength` characters, or undefined. */
export function textProblem(value: string, maxLength: number): string | undefined {
  if (value.length === 0) return 'is empty';
  if ([...value].length > maxLength) return `is longer than ${maxLength} characters`;
  if (!value.isWellFormed()) return 'holds a lone surrogate';
  if (value.normalize('NFC') !== value) return 'is not in Unicode NFC';
  if (value.trim() !== value) return 'has white space at an end';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (isForbiddenInText(code))
      return `holds the control or invisible character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return undefined;
}

/** Lower-case hex of `bytes`. */
export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
