import { AppearanceError } from './errors.ts';
import { createFontResource } from './font-resource.ts';
import {
  checkBox,
  checkFontSize,
  checkOptions,
  formXObject,
  openFonts,
  type AppearanceFonts,
} from './appearance-box.ts';
import { pdfNumber, pdfRef, type AllocateObjectNumber, type AppearanceResult } from './pdf-syntax.ts';
import { fitLines, BASELINE_RISE, LEADING } from './text-layout.ts';
import { normalizeText } from './text-input.ts';

/** Quadding of a variable-text field (ISO 32000-1 §12.7.3.3, /Q 0, 1, 2). */
export type TextAlign = 'left' | 'center' | 'right';

/** A text field widget's value as drawn: the registry number or the place and date. */
export interface TextFieldAppearanceOptions {
  width: number;
  height: number;
  text: string;
  /** Font size in points; 10 by default, shrunk until the text fits. */
  size?: number;
  align?: TextAlign;
  bold?: boolean;
  /** Wrap to several lines (the field then needs the Multiline flag, /Ff bit 13). */
  multiline?: boolean;
  /** Margin inside the box, in points; 2 by default. */
  padding?: number;
}

/**
 * A text field appearance and what the field dictionary needs to agree
 * with it: `fontName` must be entered in the AcroForm's /DR /Font as
 * `/fontName font 0 R`, `da` is the field's /DA and `quadding` its /Q.
 */
export interface TextFieldAppearanceResult extends AppearanceResult {
  /** Object number of the Type0 font (also in the XObject's own /Resources). */
  font: number;
  /** Resource name of the font, unique to its subset (`LT` + tag). */
  fontName: string;
  /** Default appearance string (§12.7.3.3), e.g. `/LTABCDEF 10 Tf 0 g`. */
  da: string;
  /** /Q value: 0 left, 1 centred, 2 right. */
  quadding: 0 | 1 | 2;
  /** The font size finally used (after shrinking to fit). */
  size: number;
}

const QUADDING = { left: 0, center: 1, right: 2 } as const;

/**
 * Builds the normal appearance (§12.5.5) of a text field widget (§12.7.4.3)
 * holding `text`: a Form XObject with the text in marked content
 * `/Tx BMC … EMC` (§12.7.3.3), vertically centred, aligned as asked,
 * drawn with an embedded subset font so Vietnamese renders and extracts.
 * The subset holds only this text's glyphs: the field should be read-only
 * (/Ff bit 1) so that no viewer regenerates the appearance with other text.
 */
export function textFieldAppearance(
  options: TextFieldAppearanceOptions,
  fonts: AppearanceFonts,
  alloc: AllocateObjectNumber,
): TextFieldAppearanceResult {
  checkOptions(options);
  const { width, height, padding } = checkBox(options);
  const align = options.align ?? 'left';
  if (!(align in QUADDING)) throw new AppearanceError('INVALID_ARGUMENT', `align '${String(align)}' is unknown.`);
  const programs = openFonts(fonts);
  const program = options.bold === true ? programs.bold : programs.regular;
  const text = normalizeText(options.text, 'text');
  const requested = checkFontSize(options.size ?? 10, 'size');
  const box = { x: padding, y: padding, w: width - 2 * padding, h: height - 2 * padding };
  // A single-line field never wraps: the text shrinks until it fits the width.
  const lines = fitLines(
    [{ text, program, size: requested }],
    box.w,
    box.h,
    Math.min(4, requested),
    options.multiline === true,
  );
  const size = lines[0]?.size ?? requested;
  const font = createFontResource(
    program,
    lines.map((l) => l.text),
    alloc,
  );
  const total = lines.reduce((h, l) => h + l.size * LEADING, 0);
  let top = box.y + (box.h + total) / 2;
  let content = `/Tx BMC\nq\n${pdfNumber(padding / 2)} ${pdfNumber(padding / 2)} ${pdfNumber(width - padding)} ${pdfNumber(height - padding)} re W n\nBT\n/${font.name} ${pdfNumber(size)} Tf\n0 g\n`;
  for (const line of lines) {
    top -= line.size * LEADING;
    const x =
      align === 'left' ? box.x : align === 'center' ? box.x + (box.w - line.width) / 2 : box.x + box.w - line.width;
    content += `1 0 0 1 ${pdfNumber(x)} ${pdfNumber(top + line.size * BASELINE_RISE)} Tm\n${font.encode(line.text)} Tj\n`;
  }
  content += 'ET\nQ\nEMC\n';
  const xobject = alloc();
  const resources = `<< /ProcSet [/PDF /Text] /Font << /${font.name} ${pdfRef(font.num)} >> >>`;
  return {
    objects: [formXObject(xobject, width, height, resources, content), ...font.objects],
    xobject,
    width,
    height,
    font: font.num,
    fontName: font.name,
    da: `/${font.name} ${pdfNumber(size)} Tf 0 g`,
    quadding: QUADDING[align],
    size,
  };
}
