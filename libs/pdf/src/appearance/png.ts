import { crc32, inflateSync } from 'node:zlib';
import { AppearanceError } from './errors.ts';
import { MAX_IMAGE_BYTES, MAX_IMAGE_PIXELS, type RasterImage } from './raster.ts';
import { paeth } from '../filters.ts';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** Allowed bit depths per colour type (PNG spec, ISO/IEC 15948 §11.2.2 Table 11.1). */
const DEPTHS: Record<number, number[]> = { 0: [1, 2, 4, 8, 16], 2: [8, 16], 3: [1, 2, 4, 8], 4: [8, 16], 6: [8, 16] };
const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Header {
  width: number;
  height: number;
  depth: number;
  colorType: number;
}

/**
 * Decodes a non-interlaced PNG (ISO/IEC 15948) of any colour type and bit
 * depth to 8-bit samples: palette images are expanded to RGB, 16-bit
 * samples keep their high byte, alpha (colour type 4/6 or tRNS) becomes an
 * alpha plane. Chunk CRCs are checked. Interlaced (Adam7) images are
 * rejected with IMAGE_UNSUPPORTED, damaged ones with IMAGE_MALFORMED.
 */
export function decodePng(bytes: Uint8Array): RasterImage {
  if (bytes.length < 8 || SIGNATURE.some((b, i) => bytes[i] !== b)) {
    throw new AppearanceError('IMAGE_MALFORMED', 'The PNG signature is missing.');
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let header: Header | undefined;
  let palette: Uint8Array | undefined;
  let trns: Uint8Array | undefined;
  const idat: Uint8Array[] = [];
  let pos = 8;
  let ended = false;
  while (!ended) {
    if (pos + 12 > bytes.length) throw new AppearanceError('IMAGE_MALFORMED', `The PNG is truncated at byte ${pos}.`);
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    if (length > bytes.length - pos - 12)
      throw new AppearanceError('IMAGE_MALFORMED', `The PNG chunk ${type} at byte ${pos} overruns the file.`);
    const data = bytes.subarray(pos + 8, pos + 8 + length);
    if (crc32(bytes.subarray(pos + 4, pos + 8 + length)) !== view.getUint32(pos + 8 + length)) {
      throw new AppearanceError('IMAGE_MALFORMED', `The PNG chunk ${type} at byte ${pos} has a wrong CRC.`);
    }
    if (header === undefined && type !== 'IHDR')
      throw new AppearanceError('IMAGE_MALFORMED', 'The PNG does not start with IHDR.');
    switch (type) {
      case 'IHDR':
        header = readHeader(data);
        break;
      case 'PLTE':
        palette = data;
        break;
      case 'tRNS':
        trns = data;
        break;
      case 'IDAT':
        idat.push(data);
        break;
      case 'IEND':
        ended = true;
        break;
      default:
        // Ancillary chunks (gAMA, pHYs, iCCP, text) do not change the samples we embed.
        break;
    }
    pos += 12 + length;
  }
  if (header === undefined || idat.length === 0)
    throw new AppearanceError('IMAGE_MALFORMED', 'The PNG has no image data.');
  if (header.colorType === 3 && (palette === undefined || palette.length % 3 !== 0 || palette.length === 0)) {
    throw new AppearanceError('IMAGE_MALFORMED', 'The palette PNG has no valid PLTE chunk.');
  }
  const samples = SAMPLES[header.colorType] ?? 1;
  const rowBytes = Math.ceil((header.width * samples * header.depth) / 8);
  const expected = header.height * (rowBytes + 1);
  let raw: Buffer;
  try {
    raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
  } catch (e) {
    throw new AppearanceError('IMAGE_MALFORMED', `The PNG image data does not inflate: ${(e as Error).message}.`, {
      cause: e,
    });
  }
  if (raw.length !== expected) {
    throw new AppearanceError('IMAGE_MALFORMED', `The PNG image data has ${raw.length} bytes, ${expected} expected.`);
  }
  const rows = unfilter(raw, header.height, rowBytes, Math.max(1, (samples * header.depth) >> 3));
  return toRaster(header, rows, rowBytes, palette, trns);
}

function readHeader(d: Uint8Array): Header {
  if (d.length !== 13) throw new AppearanceError('IMAGE_MALFORMED', 'The PNG IHDR chunk is not 13 bytes.');
  const v = new DataView(d.buffer, d.byteOffset, d.byteLength);
  const h = { width: v.getUint32(0), height: v.getUint32(4), depth: d[8] ?? 0, colorType: d[9] ?? 0 };
  if (h.width === 0 || h.height === 0)
    throw new AppearanceError('IMAGE_MALFORMED', 'The PNG has a zero width or height.');
  if (!(DEPTHS[h.colorType] ?? []).includes(h.depth) || d[10] !== 0 || d[11] !== 0) {
    throw new AppearanceError(
      'IMAGE_MALFORMED',
      `The PNG colour type ${h.colorType} with bit depth ${h.depth} is not valid.`,
    );
  }
  if (d[12] !== 0)
    throw new AppearanceError(
      'IMAGE_UNSUPPORTED',
      'Interlaced (Adam7) PNG images are not supported; save it non-interlaced.',
    );
  if (h.width * h.height > MAX_IMAGE_PIXELS) {
    throw new AppearanceError(
      'IMAGE_UNSUPPORTED',
      `The PNG is ${h.width}x${h.height}, more than ${MAX_IMAGE_PIXELS} pixels (MAX_IMAGE_PIXELS).`,
    );
  }
  // Pixels × bytes a pixel, from the header alone: refused before a byte is inflated.
  const samples = SAMPLES[h.colorType] ?? 1;
  const inflated = h.height * (Math.ceil((h.width * samples * h.depth) / 8) + 1);
  if (inflated > MAX_IMAGE_BYTES) {
    const n = (v: number): string => v.toLocaleString('en-US');
    throw new AppearanceError(
      'IMAGE_UNSUPPORTED',
      `The PNG is ${h.width}x${h.height} with ${samples} sample${samples === 1 ? '' : 's'} of ${h.depth} bits a pixel: ` +
        `${n(inflated)} bytes once inflated, more than the ${n(MAX_IMAGE_BYTES)} allowed (MAX_IMAGE_BYTES).`,
    );
  }
  return h;
}

/** Reverses the scanline filters (ISO/IEC 15948 §9.2). */
function unfilter(raw: Uint8Array, height: number, rowBytes: number, bpp: number): Uint8Array {
  const out = new Uint8Array(height * rowBytes);
  // A zero row above the first one, so every filter reads "b" and "c" the same way.
  const zero = new Uint8Array(rowBytes);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)] ?? 255;
    const src = raw.subarray(y * (rowBytes + 1) + 1, (y + 1) * (rowBytes + 1));
    const cur = out.subarray(y * rowBytes, (y + 1) * rowBytes);
    const up = y > 0 ? out.subarray((y - 1) * rowBytes, y * rowBytes) : zero;
    switch (filter) {
      case 0:
        cur.set(src);
        break;
      case 1:
        for (let x = 0; x < rowBytes; x++) cur[x] = (src[x] as number) + (x >= bpp ? (cur[x - bpp] as number) : 0);
        break;
      case 2:
        for (let x = 0; x < rowBytes; x++) cur[x] = (src[x] as number) + (up[x] as number);
        break;
      case 3:
        for (let x = 0; x < rowBytes; x++)
          cur[x] = (src[x] as number) + (((x >= bpp ? (cur[x - bpp] as number) : 0) + (up[x] as number)) >> 1);
        break;
      case 4:
        for (let x = 0; x < rowBytes; x++) {
          const a = x >= bpp ? (cur[x - bpp] as number) : 0;
          const c = x >= bpp ? (up[x - bpp] as number) : 0;
          cur[x] = (src[x] as number) + paeth(a, up[x] as number, c);
        }
        break;
      default:
        throw new AppearanceError('IMAGE_MALFORMED', `The PNG row ${y} has the unknown filter ${filter}.`);
    }
  }
  return out;
}

function toRaster(h: Header, rows: Uint8Array, rowBytes: number, palette?: Uint8Array, trns?: Uint8Array): RasterImage {
  const samples = SAMPLES[h.colorType] ?? 1;
  const { width, height, depth, colorType } = h;
  const channels = colorType === 0 || colorType === 4 ? 1 : 3;
  const pixels = new Uint8Array(width * height * channels);
  const alpha = new Uint8Array(width * height).fill(255);
  const maxSample = (1 << Math.min(depth, 8)) - 1;
  // A sample at full precision (for tRNS colour keys) and scaled to 8 bits.
  const sampleAt = (row: number, i: number): number => {
    if (depth === 16) return ((rows[row + i * 2] ?? 0) << 8) | (rows[row + i * 2 + 1] ?? 0);
    if (depth === 8) return rows[row + i] ?? 0;
    const bit = i * depth;
    return ((rows[row + (bit >> 3)] ?? 0) >> (8 - depth - (bit & 7))) & maxSample;
  };
  const to8 = (v: number): number => (depth === 16 ? v >> 8 : depth === 8 ? v : Math.round((v * 255) / maxSample));
  const key = trns !== undefined && trns.length >= 2 && colorType !== 3 ? readKey(trns, colorType) : undefined;
  if (depth === 8 && colorType !== 3 && key === undefined) {
    // The common case (8-bit grey, RGB, with or without alpha): plain copies, no per-sample calls.
    for (let p = 0, y = 0; y < height; y++) {
      let i = y * rowBytes;
      for (let x = 0; x < width; x++, p++) {
        for (let c = 0; c < channels; c++) pixels[p * channels + c] = rows[i++] as number;
        if (samples === 2 || samples === 4) alpha[p] = rows[i++] as number;
      }
    }
    return finish(width, height, channels, pixels, alpha);
  }
  for (let y = 0; y < height; y++) {
    const row = y * rowBytes;
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const s = x * samples;
      if (colorType === 3) {
        const index = sampleAt(row, s);
        if (index * 3 + 2 >= (palette?.length ?? 0))
          throw new AppearanceError('IMAGE_MALFORMED', `The PNG palette index ${index} is out of range.`);
        pixels.set((palette as Uint8Array).subarray(index * 3, index * 3 + 3), p * 3);
        alpha[p] = trns?.[index] ?? 255;
        continue;
      }
      const raw = Array.from({ length: channels }, (_, c) => sampleAt(row, s + c));
      raw.forEach((v, c) => (pixels[p * channels + c] = to8(v)));
      if (samples === 2 || samples === 4) alpha[p] = to8(sampleAt(row, s + channels));
      else if (key !== undefined && raw.every((v, c) => v === key[c])) alpha[p] = 0;
    }
  }
  return finish(width, height, channels, pixels, alpha);
}

function finish(width: number, height: number, channels: 1 | 3, pixels: Uint8Array, alpha: Uint8Array): RasterImage {
  return alpha.every((a) => a === 255)
    ? { width, height, channels, pixels }
    : { width, height, channels, pixels, alpha };
}

function readKey(trns: Uint8Array, colorType: number): number[] {
  const v = new DataView(trns.buffer, trns.byteOffset, trns.byteLength);
  if (colorType === 0) return [v.getUint16(0)];
  if (colorType === 2 && trns.length >= 6) return [v.getUint16(0), v.getUint16(2), v.getUint16(4)];
  return [];
}
