/**
 * The error catalogue of the visible-appearance builders (`src/appearance/`).
 * Every failure carries one of these stable codes; `message` says what is
 * wrong and where (which character, which image field).
 */
export const APPEARANCE_ERRORS = {
  INVALID_ARGUMENT: 'An appearance argument is missing or out of range.',
  TEXT_EMPTY: 'A text to draw is empty.',
  TEXT_INVALID: 'A text to draw contains a control character or is too long.',
  TEXT_DOES_NOT_FIT: 'The text does not fit in the appearance box even at the smallest font size.',
  FONT_INVALID: 'The font is not a readable TrueType (glyf) font.',
  FONT_MISSING_GLYPH: 'The font has no glyph for a character of the text.',
  IMAGE_MALFORMED: 'The image is corrupt or truncated.',
  IMAGE_UNSUPPORTED: 'The image is of a kind that cannot be embedded (format, bit depth, interlacing or size).',
} as const;

/** A stable error code of the catalogue {@link APPEARANCE_ERRORS}. */
export type AppearanceErrorCode = keyof typeof APPEARANCE_ERRORS;

/** An error thrown by an appearance builder, with a stable code. */
export class AppearanceError extends Error {
  readonly code: AppearanceErrorCode;
  constructor(code: AppearanceErrorCode, detail?: string, options?: { cause?: unknown }) {
    super(detail === undefined ? APPEARANCE_ERRORS[code] : `${APPEARANCE_ERRORS[code]} ${detail}`, options);
    this.name = 'AppearanceError';
    this.code = code;
  }
}

/** True when `e` is an {@link AppearanceError} (optionally with the given code). */
export function isAppearanceError(e: unknown, code?: AppearanceErrorCode): e is AppearanceError {
  return e instanceof AppearanceError && (code === undefined || e.code === code);
}
