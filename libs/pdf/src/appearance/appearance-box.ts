import { AppearanceError } from './errors.ts';
import { openFontProgram, type FontProgram } from './font-program.ts';
import { pdfNumber, streamBody, type SerializedObject } from './pdf-syntax.ts';

/**
 * The fonts an appearance draws with: TrueType bytes (e.g. from
 * `loadDefaultFonts()`) or programs already opened with `openFontProgram`.
 * Bold lines fall back to `regular` when `bold` is absent.
 */
export interface AppearanceFonts {
  regular: Uint8Array | FontProgram;
  bold?: Uint8Array | FontProgram;
}

/** The largest box side accepted, in points (ISO 32000-1 Annex C: 14 400 units). */
export const MAX_BOX_SIDE = 14_400;

/** Checks a box dimension: a finite number of points in (0, 14 400]. */
export function checkDimension(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || value > MAX_BOX_SIDE) {
    throw new AppearanceError(
      'INVALID_ARGUMENT',
      `${where} must be a number of points in (0, ${MAX_BOX_SIDE}], got ${String(value)}.`,
    );
  }
  return value;
}

/** Checks a box's width, height and inner padding (default 2 points), which must leave room inside. */
export function checkBox(options: { width: unknown; height: unknown; padding?: number | undefined }): {
  width: number;
  height: number;
  padding: number;
} {
  const width = checkDimension(options.width, 'width');
  const height = checkDimension(options.height, 'height');
  const padding = options.padding ?? 2;
  if (!Number.isFinite(padding) || padding < 0 || padding * 2 >= Math.min(width, height)) {
    throw new AppearanceError('INVALID_ARGUMENT', `padding ${padding} leaves no room in ${width}x${height}.`);
  }
  return { width, height, padding };
}

/** Checks that an options argument is an object (callers may pass parsed JSON). */
export function checkOptions<T>(value: T, where = 'options'): T {
  if (typeof value !== 'object' || value === null)
    throw new AppearanceError('INVALID_ARGUMENT', `${where} must be an object.`);
  return value;
}

/** Checks a font size: a finite number of points in [1, 400]. */
export function checkFontSize(value: unknown, where: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 1 || value > 400) {
    throw new AppearanceError(
      'INVALID_ARGUMENT',
      `${where} must be a font size in [1, 400] points, got ${String(value)}.`,
    );
  }
  return value;
}

/** Opens the regular and bold programs once. */
export function openFonts(fonts: AppearanceFonts): { regular: FontProgram; bold: FontProgram } {
  if (typeof fonts !== 'object' || fonts === null || fonts.regular === undefined) {
    throw new AppearanceError('INVALID_ARGUMENT', 'fonts.regular is required.');
  }
  const open = (f: Uint8Array | FontProgram): FontProgram => (f instanceof Uint8Array ? openFontProgram(f) : f);
  const regular = open(fonts.regular);
  return { regular, bold: fonts.bold === undefined ? regular : open(fonts.bold) };
}

/**
 * A Form XObject (ISO 32000-1 §8.10) with the box as /BBox, its resources
 * and an uncompressed content stream (small, and readable when debugging).
 */
export function formXObject(
  num: number,
  width: number,
  height: number,
  resources: string,
  content: string,
): SerializedObject {
  return {
    num,
    body: streamBody(
      `/Type /XObject /Subtype /Form /FormType 1 /BBox [0 0 ${pdfNumber(width)} ${pdfNumber(height)}] /Resources ${resources}`,
      new TextEncoder().encode(content),
    ),
  };
}
