/**
 * A decoded raster image: 8-bit samples, `channels` colour components per
 * pixel (1 grey, 3 RGB) row after row, and an optional 8-bit alpha plane
 * (becomes the image's /SMask, ISO 32000-1 §11.6.5.3).
 */
export interface RasterImage {
  width: number;
  height: number;
  channels: 1 | 3;
  pixels: Uint8Array;
  alpha?: Uint8Array;
}

/** The largest image accepted, in pixels (4000x4000; a 40 mm seal scanned at 600 dpi is under 1000x1000). */
export const MAX_IMAGE_PIXELS = 16_000_000;

/**
 * The most bytes a PNG may inflate to (its rows with their filter bytes, at its own bit
 * depth), checked from the header before anything is inflated: 2000x2000 RGBA at 16 bits,
 * or 2800x2800 RGBA at 8, fit; decoding one that does stays near 100 MB.
 */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;
