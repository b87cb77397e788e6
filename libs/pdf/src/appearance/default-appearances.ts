/**
 * Appearances drawn with the bundled Noto Sans (Vietnamese precomposed letters), opened
 * once: the stamp fields' appearance (number and date, ISO 32000-1 §12.7.3.3) and the fonts
 * for signature blocks. What the PAdES layer, the CLI and the services use unless told
 * otherwise.
 */
import type { FieldAppearanceBuilder } from './field-appearance.ts';
import type { AppearanceFonts } from './appearance-box.ts';
import { loadDefaultFonts } from './default-fonts.ts';
import { openFontProgram } from './font-program.ts';
import { textFieldAppearance } from './text-field-appearance.ts';

let fonts: AppearanceFonts | undefined;

/** Noto Sans Regular and Bold, read from the font package and parsed on first use. */
export function vietnameseFonts(): AppearanceFonts {
  if (fonts === undefined) {
    const bytes = loadDefaultFonts();
    fonts = { regular: openFontProgram(bytes.regular), bold: openFontProgram(bytes.bold) };
  }
  return fonts;
}

/** A text field's value drawn in an embedded subset of Noto Sans: "Số 138-CV/VPTU", "ngày 23 tháng 11 năm 2026". */
export const vietnameseFieldAppearance: FieldAppearanceBuilder = ({ text, width, height }, alloc) =>
  textFieldAppearance({ text, width, height }, vietnameseFonts(), alloc);
