/**
 * The demo office's seal image (con dấu): a red double ring with a star, on a transparent
 * background, as a PNG drawn here so the demo needs no image file. The office's name is
 * written over it by the signature appearance.
 */
import { encodePng } from '@lienthong/pdf';

const SIZE = 240;
const RED = [0xd0, 0x16, 0x1e] as const;

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
  const rows = Buffer.alloc(SIZE * SIZE * 4);
  for (let y = 0; y < SIZE; y++) {
    for (let x = 0; x < SIZE; x++) {
      const d = Math.hypot(x + 0.5 - c, y + 0.5 - c);
      const ink = (d <= 118 && d >= 110) || (d <= 78 && d >= 75) || inside(star, x + 0.5, y + 0.5);
      if (ink) rows.set([...RED, 0xff], (y * SIZE + x) * 4);
    }
  }
  return encodePng({ width: SIZE, height: SIZE, colorType: 6, depth: 8, rows });
}
