// A small PNG encoder for fixtures: packed unfiltered rows in, a PNG out,
// each row filtered with a chosen filter so the decoder's un-filtering is exercised.
import { crc32, deflateSync } from 'node:zlib';

export interface PngSpec {
  width: number;
  height: number;
  colorType: 0 | 2 | 3 | 4 | 6;
  depth: 1 | 2 | 4 | 8 | 16;
  /** Packed rows without filter bytes. */
  rows: Uint8Array;
  palette?: Uint8Array;
  trns?: Uint8Array;
  interlace?: boolean;
  /** Filter per row; by default rows cycle through 0..4. */
  filter?: (row: number) => number;
  /** The zlib stream of IDAT as given, nothing filtered (e.g. a header that announces far more pixels than follow). */
  idat?: Uint8Array;
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;

export function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

export function encodePng(spec: PngSpec): Uint8Array {
  const rowBytes = Math.ceil((spec.width * SAMPLES[spec.colorType] * spec.depth) / 8);
  const bpp = Math.max(1, (SAMPLES[spec.colorType] * spec.depth) >> 3);
  const filtered = Buffer.alloc(spec.idat === undefined ? spec.height * (rowBytes + 1) : 0);
  for (let y = 0; y < spec.height && spec.idat === undefined; y++) {
    const f = spec.filter?.(y) ?? y % 5;
    filtered[y * (rowBytes + 1)] = f;
    for (let x = 0; x < rowBytes; x++) {
      const at = (yy: number, xx: number): number => (yy < 0 || xx < 0 ? 0 : (spec.rows[yy * rowBytes + xx] ?? 0));
      const cur = at(y, x);
      const a = at(y, x - bpp);
      const b = at(y - 1, x);
      const c = at(y - 1, x - bpp);
      const p = a + b - c;
      const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][f] ?? 0;
      filtered[y * (rowBytes + 1) + 1 + x] = (cur - pred) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(spec.width, 0);
  ihdr.writeUInt32BE(spec.height, 4);
  ihdr[8] = spec.depth;
  ihdr[9] = spec.colorType;
  ihdr[12] = spec.interlace === true ? 1 : 0;
  const idat = spec.idat ?? deflateSync(filtered);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(spec.palette ? [chunk('PLTE', spec.palette)] : []),
    ...(spec.trns ? [chunk('tRNS', spec.trns)] : []),
    // Split the data over two IDAT chunks, as encoders do for large images.
    chunk('IDAT', idat.subarray(0, idat.length >> 1)),
    chunk('IDAT', idat.subarray(idat.length >> 1)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A red round seal on a transparent background, RGBA 8-bit: ring, inner ring and a star-ish centre. */
export function sealPng(size = 120): Uint8Array {
  const rows = new Uint8Array(size * size * 4);
  const c = (size - 1) / 2;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const r = Math.hypot(x - c, y - c) / c;
      const on = (r <= 1 && r >= 0.86) || (r <= 0.72 && r >= 0.66) || r <= 0.25;
      const i = (y * size + x) * 4;
      rows.set(on ? [220, 20, 30, 255] : [255, 255, 255, 0], i);
    }
  }
  return encodePng({ width: size, height: size, colorType: 6, depth: 8, rows });
}
