/**
 * The error catalogue of the visible-appearance builders (documented in README.md beside
 * this file). Every failure carries one of these stable codes; `message` says what is wrong
 * and where (which character, which image field). The status is what a service answers if
 * such an error reaches a handler.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const appearanceErrors = defineErrors({
  INVALID_ARGUMENT: { status: 400, title: 'An appearance argument is missing or out of range' },
  TEXT_EMPTY: { status: 400, title: 'A text to draw is empty' },
  TEXT_INVALID: { status: 400, title: 'A text to draw contains a control character or is too long' },
  TEXT_DOES_NOT_FIT: {
    status: 422,
    title: 'The text does not fit in the appearance box even at the smallest font size',
  },
  FONT_INVALID: { status: 400, title: 'The font is not a readable TrueType (glyf) font' },
  FONT_MISSING_GLYPH: { status: 422, title: 'The font has no glyph for a character of the text' },
  IMAGE_MALFORMED: { status: 400, title: 'The image is corrupt or truncated' },
  IMAGE_UNSUPPORTED: {
    status: 415,
    title: 'The image is of a kind that cannot be embedded (format, bit depth, interlacing or size)',
  },
});

/** A stable error code of the catalogue {@link appearanceErrors}. */
export type AppearanceErrorCode = CodeOf<typeof appearanceErrors>;

/** An error thrown by an appearance builder: `new AppearanceError(code, detail?, { cause })`. */
export class AppearanceError extends errorClass(appearanceErrors) {}

/** True when `e` is an {@link AppearanceError} (of `code`, when given). */
export const isAppearanceError = errorGuard(AppearanceError);
