import { AppearanceError } from './errors.ts';
import { MAX_IMAGE_PIXELS } from './raster.ts';

/** What a PDF image dictionary needs from a JPEG (ITU-T T.81 frame header). */
export interface JpegInfo {
  width: number;
  height: number;
  /** 1 grey, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: 1 | 3 | 4;
  /** An Adobe APP14 segment: its CMYK samples are stored inverted. */
  isAdobe: boolean;
}

/**
 * Reads the frame header (SOFn, ITU-T T.81 §B.2.2) of a JPEG so that the
 * file can be embedded unchanged with /DCTDecode (ISO 32000-1 §7.4.8).
 * Only 8-bit precision is accepted (DCTDecode's limit); a file without a
 * frame header, or with a truncated segment, is IMAGE_MALFORMED.
 */
export function readJpegInfo(bytes: Uint8Array): JpegInfo {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new AppearanceError('IMAGE_MALFORMED', 'The JPEG does not start with SOI (FFD8).');
  }
  let isAdobe = false;
  let pos = 2;
  for (;;) {
    if (pos + 4 > bytes.length)
      throw new AppearanceError('IMAGE_MALFORMED', `The JPEG ends at byte ${pos} before a frame header.`);
    if (bytes[pos] !== 0xff) throw new AppearanceError('IMAGE_MALFORMED', `The JPEG has no marker at byte ${pos}.`);
    const marker = bytes[pos + 1] ?? 0;
    if (marker === 0xff) {
      pos++; // fill byte (§B.1.1.2)
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      pos += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda)
      throw new AppearanceError('IMAGE_MALFORMED', 'The JPEG has no frame header before its scan.');
    const length = ((bytes[pos + 2] ?? 0) << 8) | (bytes[pos + 3] ?? 0);
    if (length < 2 || pos + 2 + length > bytes.length) {
      throw new AppearanceError(
        'IMAGE_MALFORMED',
        `The JPEG segment FF${marker.toString(16).toUpperCase()} at byte ${pos} is truncated.`,
      );
    }
    const seg = bytes.subarray(pos + 4, pos + 2 + length);
    if (marker === 0xee && String.fromCharCode(...seg.subarray(0, 5)) === 'Adobe') isAdobe = true;
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return readFrame(seg, marker, isAdobe);
    }
    pos += 2 + length;
  }
}

function readFrame(seg: Uint8Array, marker: number, isAdobe: boolean): JpegInfo {
  if (seg.length < 6) throw new AppearanceError('IMAGE_MALFORMED', 'The JPEG frame header is truncated.');
  const precision = seg[0] ?? 0;
  const height = ((seg[1] ?? 0) << 8) | (seg[2] ?? 0);
  const width = ((seg[3] ?? 0) << 8) | (seg[4] ?? 0);
  const components = seg[5] ?? 0;
  if (marker === 0xc3 || marker === 0xc7 || marker === 0xcb || marker === 0xcf) {
    throw new AppearanceError('IMAGE_UNSUPPORTED', 'Lossless JPEG cannot be embedded with DCTDecode.');
  }
  if (marker >= 0xc9) throw new AppearanceError('IMAGE_UNSUPPORTED', 'Arithmetic-coded JPEG is not supported.');
  if (precision !== 8)
    throw new AppearanceError('IMAGE_UNSUPPORTED', `The JPEG has ${precision}-bit samples; only 8-bit is supported.`);
  if (width === 0 || height === 0) throw new AppearanceError('IMAGE_MALFORMED', 'The JPEG has a zero width or height.');
  if (components !== 1 && components !== 3 && components !== 4) {
    throw new AppearanceError('IMAGE_UNSUPPORTED', `The JPEG has ${components} components.`);
  }
  if (seg.length < 6 + components * 3)
    throw new AppearanceError('IMAGE_MALFORMED', 'The JPEG frame header is truncated.');
  if (width * height > MAX_IMAGE_PIXELS) {
    throw new AppearanceError(
      'IMAGE_UNSUPPORTED',
      `The JPEG is ${width}x${height}, more than ${MAX_IMAGE_PIXELS} pixels.`,
    );
  }
  return { width, height, components, isAdobe };
}
