import type { RawObject } from '../writer.ts';

/**
 * The appearance of a text field holding `text` (ISO 32000-1 §12.7.3.3):
 * pre-serialised objects, the Form XObject to use as /AP /N and, when the
 * font is embedded, the font to enter in /DR and the /DA to set.
 * The appearance helper's `textFieldAppearance` fits this shape.
 */
export interface FieldAppearance {
  readonly objects: readonly RawObject[];
  readonly xobject: number;
  readonly da?: string;
  readonly font?: number;
  readonly fontName?: string;
}

/** Builds a {@link FieldAppearance} for a field's box; `alloc` hands out object numbers. */
export type FieldAppearanceBuilder = (
  input: { readonly text: string; readonly width: number; readonly height: number; readonly field: string },
  alloc: () => number,
) => FieldAppearance;

/**
 * The fallback appearance: Helvetica (a standard 14 font, WinAnsi) with
 * diacritics stripped, for tests and for when no embedded font is available.
 * Vietnamese needs the appearance helper's embedded-font builder.
 */
export const helveticaAppearance: FieldAppearanceBuilder = ({ text, width, height }, alloc) => {
  const ascii = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '?');
  const font = alloc();
  const xobject = alloc();
  const size = Math.max(4, Math.min(10, height - 4));
  const escaped = ascii.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = `/Tx BMC\nq\nBT\n/Helv ${size} Tf\n0 g\n2 ${((height - size) / 2 + 1).toFixed(2)} Td\n(${escaped}) Tj\nET\nQ\nEMC\n`;
  const body = (s: string): Uint8Array => Buffer.from(s, 'latin1');
  return {
    objects: [
      { num: font, body: body('<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>') },
      {
        num: xobject,
        body: body(
          `<</Type/XObject/Subtype/Form/BBox[0 0 ${width} ${height}]/Resources<</Font<</Helv ${font} 0 R>>>>/Length ${content.length}>>\nstream\n${content}\nendstream`,
        ),
      },
    ],
    xobject,
    da: `/Helv ${size} Tf 0 g`,
    font,
    fontName: 'Helv',
  };
};
