/**
 * A small PNG encoder (ISO/IEC 15948): packed rows in, a PNG out. For the images that go
 * into appearances where none is at hand (the demo office's seal) and for test fixtures
 * that must exercise every filter type of the decoder.
 */
import { crc32, deflateSync } from 'node:zlib';

/** What to encode. */
export interface PngSpec {
  readonly width: number;
  readonly height: number;
  /** 0 grey, 2 RGB, 3 palette, 4 grey + alpha, 6 RGBA (§11.2.2). */
  readonly colorType: 0 | 2 | 3 | 4 | 6;
  readonly depth: 1 | 2 | 4 | 8 | 16;
  /** Packed rows without filter bytes. */
  readonly rows: Uint8Array;
  readonly palette?: Uint8Array;
  readonly trns?: Uint8Array;
  /** Only sets the header's interlace method; the rows are not reordered. */
  readonly interlace?: boolean;
  /** The filter type (0–4, §9.2) of each row; 0 (None) by default. */
  readonly filter?: (row: number) => number;
  /** The zlib stream of IDAT as given, nothing filtered (e.g. a header that announces far more pixels than follow). */
  readonly idat?: Uint8Array;
}

const SAMPLES = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as const;
const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** One chunk (§5.3): length, type, data, CRC-32 over type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function predictor(f: number, a: number, b: number, c: number): number {
  if (f === 1) return a;
  if (f === 2) return b;
  if (f === 3) return (a + b) >> 1;
  if (f !== 4) return 0;
  const p = a + b - c;
  const [pa, pb, pc] = [Math.abs(p - a), Math.abs(p - b), Math.abs(p - c)];
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/** Encodes the rows as a PNG; IDAT is split over two chunks, as encoders do for large images. */
export function encodePng(spec: PngSpec): Uint8Array {
  const rowBytes = Math.ceil((spec.width * SAMPLES[spec.colorType] * spec.depth) / 8);
  const bpp = Math.max(1, (SAMPLES[spec.colorType] * spec.depth) >> 3);
  const filtered = Buffer.alloc(spec.idat === undefined ? spec.height * (rowBytes + 1) : 0);
  const at = (y: number, x: number): number => (y < 0 || x < 0 ? 0 : (spec.rows[y * rowBytes + x] ?? 0));
  for (let y = 0; y < spec.height && spec.idat === undefined; y++) {
    const f = spec.filter?.(y) ?? 0;
    filtered[y * (rowBytes + 1)] = f;
    for (let x = 0; x < rowBytes; x++) {
      filtered[y * (rowBytes + 1) + 1 + x] =
        (at(y, x) - predictor(f, at(y, x - bpp), at(y - 1, x), at(y - 1, x - bpp))) & 0xff;
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
    Buffer.from(SIGNATURE),
    pngChunk('IHDR', ihdr),
    ...(spec.palette ? [pngChunk('PLTE', spec.palette)] : []),
    ...(spec.trns ? [pngChunk('tRNS', spec.trns)] : []),
    pngChunk('IDAT', idat.subarray(0, idat.length >> 1)),
    pngChunk('IDAT', idat.subarray(idat.length >> 1)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
