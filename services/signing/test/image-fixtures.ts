/**
 * Images built by the tests: PNGs with the libs/pki test encoder (a red round seal, a blue
 * handwritten-looking stroke, hostile headers), a baseline JPEG written by hand after ITU-T
 * T.81 Annex B (one 8x8 block of one grey level), and a PNG page render's pixel counter.
 */
import { decodePng } from '@lienthong/pdf';
import { chunk, encodePng, sealPng } from '../../../libs/pdf/test/appearance/helpers/png-encode.ts';

export { sealPng };

/** A blue stroke on a transparent background, RGBA: a stand-in for a handwritten signature. */
export function signaturePng(width = 160, height = 60): Uint8Array {
  const rows = new Uint8Array(width * height * 4);
  for (let x = 0; x < width; x++) {
    const centre = height / 2 + (Math.sin(x / 12) * height) / 4;
    for (let y = 0; y < height; y++)
      rows.set(Math.abs(y - centre) < 4 ? [20, 40, 200, 255] : [255, 255, 255, 0], (y * width + x) * 4);
  }
  return encodePng({ width, height, colorType: 6, depth: 8, rows });
}

/** A grey PNG whose IHDR announces `width` x `height` (CRC right) over a few bytes of data. */
export function announcedPng(width: number, height: number): Uint8Array {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', new Uint8Array([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

/** A real PNG of width x height 1-bit grey pixels (small on disk, large in pixels). */
export function widePng(width: number, height: number): Uint8Array {
  return encodePng({
    width,
    height,
    colorType: 0,
    depth: 1,
    rows: new Uint8Array(Math.ceil(width / 8) * height).fill(0xaa),
    filter: () => 0,
  });
}

const segment = (marker: number, body: number[]) => [
  0xff,
  marker,
  (body.length + 2) >> 8,
  (body.length + 2) & 0xff,
  ...body,
];

/**
 * A baseline JPEG (SOF0, one component, 8x8) written by hand: quantisation table of ones, a DC
 * and an AC Huffman table of one symbol each (category 0, EOB), and one block whose DC
 * difference is 0 and whose AC coefficients end at once: a uniform grey square.
 */
export function greyJpeg(): Uint8Array {
  return new Uint8Array([
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00]),
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, 8, 0, 8, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...segment(0xc4, [0x10, 1, ...new Array<number>(15).fill(0), 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    // DC: code "0" (category 0); AC: code "0" (EOB); padded with ones.
    0x3f,
    0xff,
    0xd9,
  ]);
}

/** The pixels of a page rendered at 72 dpi (one pixel a point) inside `rect` (PDF points, from the lower left) that `match`, and those outside. */
export function countPixels(
  png: Uint8Array,
  rect: readonly [number, number, number, number],
  match: (r: number, g: number, b: number) => boolean,
): { inside: number; outside: number } {
  const page = decodePng(png);
  const [x1, y1, x2, y2] = rect;
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < page.height; y++) {
    for (let x = 0; x < page.width; x++) {
      const i = (y * page.width + x) * page.channels;
      const [r, g, b] =
        page.channels === 3
          ? [page.pixels[i]!, page.pixels[i + 1]!, page.pixels[i + 2]!]
          : [page.pixels[i]!, page.pixels[i]!, page.pixels[i]!];
      if (!match(r, g, b)) continue;
      const py = page.height - y;
      if (x >= x1 && x <= x2 && py >= y1 && py <= y2) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

/** Reddish, as a seal's ink. */
export const isRed = (r: number, g: number, b: number): boolean => r > 150 && g < 110 && b < 110;
/** Bluish, as a signature's ink. */
export const isBlue = (r: number, g: number, b: number): boolean => b > 150 && r < 110 && g < 130;
