import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { AppearanceError } from './errors.ts';
import { mapGlyphs, openFontProgram, type FontProgram } from './font-program.ts';
import {
  dictBody,
  pdfNumber,
  pdfRef,
  streamBody,
  type AllocateObjectNumber,
  type SerializedObject,
} from './pdf-syntax.ts';
import { hex4 } from './text-input.ts';
import { buildToUnicodeCMap } from './to-unicode.ts';

/**
 * An embedded subset font ready to be named in a /Resources /Font
 * dictionary: a Type0 font with /Encoding /Identity-H over a CIDFontType2
 * whose CIDs are the glyph ids of the embedded subset (/CIDToGIDMap
 * /Identity), ISO 32000-1 §9.7.
 */
export interface FontResource {
  /** Object number of the Type0 font dictionary (what /Resources refers to). */
  num: number;
  /** A resource name unique to this subset (`LT` + subset tag), usable in /DR and /DA. */
  name: string;
  /** `ABCDEF+PostScriptName`, the subset's /BaseFont (§9.6.4). */
  baseFont: string;
  program: FontProgram;
  /** Type0 font, CIDFontType2, FontDescriptor, FontFile2 and ToUnicode objects. */
  objects: SerializedObject[];
  /** A text (NFC) as the hexadecimal string of its two-byte CIDs, for `Tj`. */
  encode(text: string): string;
  /** The advance width of a text at `size` points. */
  widthOf(text: string, size: number): number;
}

/**
 * Builds the objects of an embedded, subset TrueType font covering every
 * character of `texts` (normalized to NFC): Type0 (Identity-H, §9.7.6.2),
 * CIDFontType2 with /W widths (§9.7.4.3), FontDescriptor (§9.8) with the
 * subset program as /FontFile2 (FlateDecode, §9.9) and a ToUnicode CMap
 * (§9.10.3). Fails with FONT_MISSING_GLYPH for a character the font lacks.
 */
export function createFontResource(
  font: Uint8Array | FontProgram,
  texts: readonly string[],
  alloc: AllocateObjectNumber,
): FontResource {
  const program = font instanceof Uint8Array ? openFontProgram(font) : font;
  const subset = program.font.createSubset();
  const cidOfCodePoint = new Map<number, number>();
  const unicodeOfCid = new Map<number, string>();
  const widthOfCid = new Map<number, number>();
  const gids: number[] = [];
  for (const text of texts) {
    for (const g of mapGlyphs(program, text.normalize('NFC'))) {
      if (cidOfCodePoint.has(g.codePoint)) continue;
      const cid = subset.includeGlyph(g.glyph) as unknown as number;
      cidOfCodePoint.set(g.codePoint, cid);
      if (!unicodeOfCid.has(cid)) unicodeOfCid.set(cid, String.fromCodePoint(g.codePoint));
      widthOfCid.set(cid, Math.round(g.width));
      gids.push(g.glyph.id);
    }
  }
  if (gids.length === 0) throw new AppearanceError('TEXT_EMPTY', 'No text was given to subset the font for.');
  const fontFile = subset.encode();
  const tag = subsetTag(program.postscriptName, gids);
  const baseFont = `${tag}+${program.postscriptName}`;

  const [type0, cidFont, descriptor, file, toUnicode] = [alloc(), alloc(), alloc(), alloc(), alloc()];
  const [llx, lly, urx, ury] = program.bbox;
  const objects: SerializedObject[] = [
    {
      num: type0,
      body: dictBody(
        `<< /Type /Font /Subtype /Type0 /BaseFont /${baseFont} /Encoding /Identity-H ` +
          `/DescendantFonts [${pdfRef(cidFont)}] /ToUnicode ${pdfRef(toUnicode)} >>`,
      ),
    },
    {
      num: cidFont,
      body: dictBody(
        `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${baseFont} ` +
          `/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ` +
          `/FontDescriptor ${pdfRef(descriptor)} /DW 1000 /W ${widthsArray(widthOfCid)} /CIDToGIDMap /Identity >>`,
      ),
    },
    {
      num: descriptor,
      body: dictBody(
        `<< /Type /FontDescriptor /FontName /${baseFont} /Flags 4 /FontBBox [${llx} ${lly} ${urx} ${ury}] ` +
          `/ItalicAngle ${pdfNumber(program.italicAngle)} /Ascent ${program.ascent} /Descent ${program.descent} ` +
          `/CapHeight ${program.capHeight} /StemV ${program.isBold ? 140 : 80} /FontFile2 ${pdfRef(file)} >>`,
      ),
    },
    { num: file, body: streamBody(`/Filter /FlateDecode /Length1 ${fontFile.length}`, deflateSync(fontFile)) },
    { num: toUnicode, body: streamBody('/Filter /FlateDecode', deflateSync(buildToUnicodeCMap(unicodeOfCid))) },
  ];

  const cidsOf = (text: string): number[] => {
    const cids: number[] = [];
    let index = 0;
    for (const ch of text.normalize('NFC')) {
      const cp = ch.codePointAt(0) ?? 0;
      const cid = cidOfCodePoint.get(cp);
      if (cid === undefined) {
        throw new AppearanceError(
          'INVALID_ARGUMENT',
          `U+${hex4(cp)} at ${index} was not among the texts the font was subset for.`,
        );
      }
      cids.push(cid);
      index++;
    }
    return cids;
  };
  return {
    num: type0,
    name: `LT${tag}`,
    baseFont,
    program,
    objects,
    encode: (text) =>
      `<${cidsOf(text)
        .map((c) => hex4(c))
        .join('')}>`,
    widthOf: (text, size) => (cidsOf(text).reduce((w, cid) => w + (widthOfCid.get(cid) ?? 0), 0) * size) / 1000,
  };
}

/** The /W array (§9.7.4.3) as runs of consecutive CIDs. */
function widthsArray(widths: ReadonlyMap<number, number>): string {
  const cids = [...widths.keys()].sort((a, b) => a - b);
  const parts: string[] = [];
  let i = 0;
  while (i < cids.length) {
    const start = cids[i] as number;
    const run: number[] = [];
    while (i < cids.length && cids[i] === start + run.length) run.push(widths.get(cids[i++] as number) ?? 0);
    parts.push(`${start} [${run.join(' ')}]`);
  }
  return `[${parts.join(' ')}]`;
}

/** Six uppercase letters naming the subset (§9.6.4), derived from its glyphs so it is stable. */
function subsetTag(name: string, gids: readonly number[]): string {
  const digest = createHash('sha256')
    .update(`${name}:${[...gids].sort((a, b) => a - b).join(',')}`)
    .digest();
  let tag = '';
  for (let i = 0; i < 6; i++) tag += String.fromCharCode(65 + ((digest[i] ?? 0) % 26));
  return tag;
}
