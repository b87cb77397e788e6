/**
 * Visible appearances of signature and text field widgets (ISO 32000-1
 * §12.5.5, §12.7.4) with embedded subset TrueType fonts for Vietnamese text.
 * Builders return serialized object bodies for a PDF writer to add.
 */
export { appearanceErrors, AppearanceError, isAppearanceError, type AppearanceErrorCode } from './errors.ts';
export {
  pdfTextString,
  type AllocateObjectNumber,
  type AppearanceResult,
  type SerializedObject,
} from './pdf-syntax.ts';
export { openFontProgram, mapGlyphs, measureText, type FontProgram, type MappedGlyph } from './font-program.ts';
export { createFontResource, type FontResource } from './font-resource.ts';
export { buildToUnicodeCMap } from './to-unicode.ts';
export { wrapText } from './text-layout.ts';
export { decodePng } from './png.ts';
export { encodePng, pngChunk, type PngSpec } from './png-encode.ts';
export { readJpegInfo, type JpegInfo } from './jpeg.ts';
export { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, type RasterImage } from './raster.ts';
export { createImageResource, type AppearanceImage, type ImageResource } from './image-xobject.ts';
export type { AppearanceFonts } from './appearance-box.ts';
export {
  signatureAppearance,
  type SignatureAppearanceOptions,
  type SignatureLayout,
  type SignatureLine,
} from './signature-appearance.ts';
export {
  textFieldAppearance,
  type TextAlign,
  type TextFieldAppearanceOptions,
  type TextFieldAppearanceResult,
} from './text-field-appearance.ts';
export { helveticaAppearance, type FieldAppearance, type FieldAppearanceBuilder } from './field-appearance.ts';
export { loadDefaultFonts, type DefaultFonts } from './default-fonts.ts';
export { vietnameseFieldAppearance, vietnameseFonts } from './default-appearances.ts';
