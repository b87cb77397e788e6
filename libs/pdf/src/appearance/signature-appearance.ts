import { AppearanceError } from './errors.ts';
import { createFontResource, type FontResource } from './font-resource.ts';
import type { FontProgram } from './font-program.ts';
import { createImageResource, type AppearanceImage, type ImageResource } from './image-xobject.ts';
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

/** One line of a signer's block ("K/T BÍ THƯ", "PHÓ BÍ THƯ", the name, the time). */
export interface SignatureLine {
  text: string;
  /** Font size in points before shrinking to fit; 10 by default. */
  size?: number;
  bold?: boolean;
}

/**
 * Where the seal goes: `image-left` in a square at the left with the text
 * beside it, `image-behind` centred under the text (a seal stamped over the
 * signature, as on paper).
 */
export type SignatureLayout = 'image-left' | 'image-behind';

/** A visible signature appearance: the box, the signer's lines and the seal. */
export interface SignatureAppearanceOptions {
  width: number;
  height: number;
  lines: readonly SignatureLine[];
  image?: AppearanceImage;
  layout?: SignatureLayout;
  /** Margin inside the box, in points; 2 by default. */
  padding?: number;
  /** Smallest size text may shrink to before TEXT_DOES_NOT_FIT; 4 by default. */
  minFontSize?: number;
}

/** The most lines a signer's block may have. */
export const MAX_SIGNATURE_LINES = 40;

/**
 * Builds the normal appearance (ISO 32000-1 §12.5.5) of a signature
 * widget (§12.7.4.5): a Form XObject whose /BBox is the widget's size,
 * drawing the seal image (scaled to fit, keeping its aspect) and the lines
 * centred, wrapped to the width and shrunk together until they fit, with
 * embedded subset fonts so the Vietnamese text renders and extracts.
 */
export function signatureAppearance(
  options: SignatureAppearanceOptions,
  fonts: AppearanceFonts,
  alloc: AllocateObjectNumber,
): AppearanceResult {
  checkOptions(options);
  const { width, height, padding } = checkBox(options);
  const minSize = checkFontSize(options.minFontSize ?? 4, 'minFontSize');
  const layout = options.layout ?? 'image-left';
  if (layout !== 'image-left' && layout !== 'image-behind')
    throw new AppearanceError('INVALID_ARGUMENT', `layout '${String(layout)}' is unknown.`);
  const given: unknown = options.lines;
  if (!Array.isArray(given)) throw new AppearanceError('INVALID_ARGUMENT', 'lines must be an array.');
  if (options.lines.length > MAX_SIGNATURE_LINES)
    throw new AppearanceError('TEXT_INVALID', `More than ${MAX_SIGNATURE_LINES} lines.`);
  if (options.lines.length === 0 && options.image === undefined)
    throw new AppearanceError('TEXT_EMPTY', 'Neither lines nor an image were given.');
  const programs = openFonts(fonts);
  const inputs = options.lines.map((line, i) => ({
    text: normalizeText(checkOptions(line, `lines[${i}]`).text, `lines[${i}].text`),
    program: line.bold === true ? programs.bold : programs.regular,
    size: checkFontSize(line.size ?? 10, `lines[${i}].size`),
  }));

  // Lay the text out first: a text that does not fit fails before any object number is taken.
  const inner = { x: padding, y: padding, w: width - 2 * padding, h: height - 2 * padding };
  const side =
    options.image !== undefined && layout === 'image-left' && inputs.length > 0
      ? Math.min(inner.h, inner.w * 0.4)
      : undefined;
  const text =
    side === undefined ? inner : { x: inner.x + side + padding, y: inner.y, w: inner.w - side - padding, h: inner.h };
  const lines = inputs.length > 0 ? fitLines(inputs, text.w, text.h, minSize) : [];

  const image: ImageResource | undefined =
    options.image === undefined ? undefined : createImageResource(options.image, alloc);
  let draw = '';
  if (image !== undefined) {
    const box = side === undefined ? inner : { x: inner.x, y: inner.y + (inner.h - side) / 2, w: side, h: side };
    const k = Math.min(box.w / image.width, box.h / image.height);
    const [iw, ih] = [image.width * k, image.height * k];
    draw += `q ${pdfNumber(iw)} 0 0 ${pdfNumber(ih)} ${pdfNumber(box.x + (box.w - iw) / 2)} ${pdfNumber(box.y + (box.h - ih) / 2)} cm /Im1 Do Q\n`;
  }

  const fontResources = new Map<FontProgram, FontResource>();
  let content = '';
  if (lines.length > 0) {
    for (const program of new Set(lines.map((l) => l.program))) {
      fontResources.set(
        program,
        createFontResource(
          program,
          lines.filter((l) => l.program === program).map((l) => l.text),
          alloc,
        ),
      );
    }
    const names = new Map([...fontResources.values()].map((f, i) => [f, `F${i + 1}`]));
    const total = lines.reduce((h, l) => h + l.size * LEADING, 0);
    let top = text.y + (text.h + total) / 2;
    content += 'BT\n0 g\n';
    for (const line of lines) {
      const font = fontResources.get(line.program) as FontResource;
      top -= line.size * LEADING;
      const x = text.x + (text.w - line.width) / 2;
      const y = top + line.size * BASELINE_RISE;
      content += `/${names.get(font) ?? 'F1'} ${pdfNumber(line.size)} Tf\n1 0 0 1 ${pdfNumber(x)} ${pdfNumber(y)} Tm\n${font.encode(line.text)} Tj\n`;
    }
    content += 'ET\n';
  }

  const fontDict = [...fontResources.values()].map((f, i) => `/F${i + 1} ${pdfRef(f.num)}`).join(' ');
  const resources =
    `<< /ProcSet [/PDF /Text /ImageC /ImageB]` +
    (fontDict === '' ? '' : ` /Font << ${fontDict} >>`) +
    (image === undefined ? '' : ` /XObject << /Im1 ${pdfRef(image.num)} >>`) +
    ' >>';
  const xobject = alloc();
  return {
    objects: [
      formXObject(xobject, width, height, resources, `q\n${draw}${content}Q\n`),
      ...(image?.objects ?? []),
      ...[...fontResources.values()].flatMap((f) => f.objects),
    ],
    xobject,
    width,
    height,
  };
}
