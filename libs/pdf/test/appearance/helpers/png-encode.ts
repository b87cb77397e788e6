// PNG fixtures: libs/pdf's encoder with every row filter in turn, so the decoder's
// un-filtering is exercised, and a red round seal for appearance tests.
import { encodePng as encode, pngChunk, type PngSpec } from '../../../src/index.ts';

export type { PngSpec };
export const chunk = pngChunk;

/** Encodes with the rows cycling through filters 0..4 unless `spec.filter` says otherwise. */
export function encodePng(spec: PngSpec): Uint8Array {
  return encode({ filter: (y) => y % 5, ...spec });
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
