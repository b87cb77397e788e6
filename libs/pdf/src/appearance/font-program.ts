import { create, type Font, type Glyph } from 'fontkit';
import { AppearanceError } from './errors.ts';
import { hex4 } from './text-input.ts';

/** A glyph chosen for one character of a text. */
export interface MappedGlyph {
  codePoint: number;
  glyph: Glyph;
  /** Advance width in PDF glyph space (1000 units per em, ISO 32000-1 §9.2.4). */
  width: number;
}

/**
 * A parsed TrueType font program (the `glyf` flavour that a CIDFontType2
 * embeds, ISO 32000-1 §9.7.4) with the metrics PDF needs in glyph space.
 */
export interface FontProgram {
  font: Font;
  postscriptName: string;
  /** Scale from font units to glyph space (1000 / unitsPerEm). */
  scale: number;
  ascent: number;
  descent: number;
  capHeight: number;
  bbox: [number, number, number, number];
  italicAngle: number;
  isBold: boolean;
}

/** Parses TrueType font bytes; fails with FONT_INVALID for anything else. */
export function openFontProgram(bytes: Uint8Array): FontProgram {
  if (!(bytes instanceof Uint8Array) || bytes.length < 12) {
    throw new AppearanceError('FONT_INVALID', 'The font bytes are missing or too short.');
  }
  let font: Font;
  try {
    const parsed = create(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    if (!('unitsPerEm' in parsed)) throw new Error('a font collection, not one font');
    font = parsed;
    // Touch the tables the subsetter and metrics need so that damage shows here.
    void font.unitsPerEm;
    void font.bbox;
  } catch (e) {
    if (e instanceof AppearanceError) throw e;
    throw new AppearanceError('FONT_INVALID', `It could not be parsed: ${(e as Error).message}.`, { cause: e });
  }
  const tables = (font as unknown as { directory?: { tables?: Record<string, unknown> } }).directory?.tables ?? {};
  if (font.type !== 'TTF' || !('glyf' in tables) || !('loca' in tables) || !('cmap' in tables)) {
    throw new AppearanceError('FONT_INVALID', 'It has no glyf/loca/cmap tables (CFF or WOFF fonts are not embedded).');
  }
  const upem = font.unitsPerEm;
  if (!Number.isFinite(upem) || upem < 16 || upem > 16384) {
    throw new AppearanceError('FONT_INVALID', `unitsPerEm ${upem} is out of range.`);
  }
  const scale = 1000 / upem;
  const os2 = font['OS/2'] as { usWeightClass?: number } | undefined;
  return {
    font,
    postscriptName: (font.postscriptName || 'Font').replace(/[^A-Za-z0-9-]/g, ''),
    scale,
    ascent: Math.round(font.ascent * scale),
    descent: Math.round(font.descent * scale),
    capHeight: Math.round((font.capHeight || font.ascent * 0.7) * scale),
    bbox: [font.bbox.minX, font.bbox.minY, font.bbox.maxX, font.bbox.maxY].map((v) => Math.round(v * scale)) as [
      number,
      number,
      number,
      number,
    ],
    italicAngle: font.italicAngle || 0,
    isBold: (os2?.usWeightClass ?? 400) >= 600,
  };
}

/**
 * Maps each character of an NFC text to a glyph through the font's cmap,
 * one to one (Vietnamese letters are precomposed; no shaping). Fails with
 * FONT_MISSING_GLYPH naming the first character the font lacks.
 */
export function mapGlyphs(program: FontProgram, text: string): MappedGlyph[] {
  const out: MappedGlyph[] = [];
  let index = 0;
  for (const ch of text) {
    const codePoint = ch.codePointAt(0) ?? 0;
    const glyph = program.font.hasGlyphForCodePoint(codePoint) ? program.font.glyphForCodePoint(codePoint) : undefined;
    if (glyph === undefined || glyph.id === 0) {
      throw new AppearanceError(
        'FONT_MISSING_GLYPH',
        `U+${hex4(codePoint)} '${ch}' at ${index} is not in ${program.postscriptName}.`,
      );
    }
    out.push({ codePoint, glyph, width: glyph.advanceWidth * program.scale });
    index++;
  }
  return out;
}

/** The advance width of a text at `size` points (no kerning). */
export function measureText(program: FontProgram, text: string, size: number): number {
  let w = 0;
  for (const g of mapGlyphs(program, text)) w += g.width;
  return (w * size) / 1000;
}
