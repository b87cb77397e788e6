/**
 * The demo office's seal image (con dấu): a red double ring with a star, on a transparent
 * background, as a PNG drawn here so the demo needs no image file. The office's name is
 * written over it by the signature appearance.
 */
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 240;
const RED = [0xd0, 0x16, 0x1e] as const;

function pngChunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** The five-pointed star's outline: points at `outer`, notches at `inner`, first point up. */
function starPolygon(cx: number, cy: number, outer: number, inner: number): Array<[number, number]> {
  return Array.from({ length: 10 }, (_, i) => {
    const r = i % 2 === 0 ? outer : inner;
    const angle = -Math.PI / 2 + (i * Math.PI) / 5;
    return [cx + r * Math.cos(angle), cy + r * Math.sin(angle)];
  });
}

/** Even-odd rule: is (x, y) inside the polygon? */
function inside(polygon: Array<[number, number]>, x: number, y: number): boolean {
  let hit = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i]!;
    const [xj, yj] = polygon[j]!;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) hit = !hit;
  }
  return hit;
}

/** The seal as an RGBA PNG, 240 × 240 pixels. */
export function demoSealPng(): Uint8Array {
  const c = SIZE / 2;
  const star = starPolygon(c, c, 34, 14);
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const ink = (d <= 118 && d >= 110) || (d <= 78 && d >= 75) || inside(star, x + 0.5, y + 0.5);
      if (ink) rows.set([...RED, 0xff], row + 1 + x * 4);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bits per sample
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', deflateSync(rows)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}
