import { deflateSync } from 'node:zlib';
import { AppearanceError } from './errors.ts';
import { readJpegInfo } from './jpeg.ts';
import { pdfRef, streamBody, type AllocateObjectNumber, type SerializedObject } from './pdf-syntax.ts';
import { decodePng } from './png.ts';

/** An image to place in an appearance: a seal (PNG with transparency) or a JPEG scan. */
export interface AppearanceImage {
  bytes: Uint8Array;
  type: 'png' | 'jpeg';
}

/** An image XObject (and its soft mask) ready to be named in /Resources /XObject. */
export interface ImageResource {
  num: number;
  width: number;
  height: number;
  objects: SerializedObject[];
}

const JPEG_SPACES = { 1: '/DeviceGray', 3: '/DeviceRGB', 4: '/DeviceCMYK' } as const;

/**
 * Builds an image XObject (ISO 32000-1 §8.9.5): a JPEG is embedded as is
 * with /DCTDecode (§7.4.8); a PNG is decoded and re-compressed with
 * /FlateDecode, its alpha becoming a /SMask soft-mask image (§11.6.5.3).
 */
export function createImageResource(image: AppearanceImage, alloc: AllocateObjectNumber): ImageResource {
  if (typeof image !== 'object' || image === null || !(image.bytes instanceof Uint8Array)) {
    throw new AppearanceError('INVALID_ARGUMENT', 'image.bytes must be a Uint8Array.');
  }
  if (image.type === 'jpeg') {
    const info = readJpegInfo(image.bytes);
    const num = alloc();
    // Adobe writes CMYK JPEGs inverted; the /Decode array undoes it as Acrobat does.
    const decode = info.components === 4 && info.isAdobe ? ' /Decode [1 0 1 0 1 0 1 0]' : '';
    const entries =
      `/Type /XObject /Subtype /Image /Width ${info.width} /Height ${info.height} ` +
      `/ColorSpace ${JPEG_SPACES[info.components]} /BitsPerComponent 8${decode} /Filter /DCTDecode`;
    return { num, width: info.width, height: info.height, objects: [{ num, body: streamBody(entries, image.bytes) }] };
  }
  if (image.type !== 'png')
    throw new AppearanceError('IMAGE_UNSUPPORTED', `Image type '${String(image.type)}' is not png or jpeg.`);
  const raster = decodePng(image.bytes);
  const num = alloc();
  const objects: SerializedObject[] = [];
  let smask = '';
  if (raster.alpha !== undefined) {
    const maskNum = alloc();
    smask = ` /SMask ${pdfRef(maskNum)}`;
    objects.push({
      num: maskNum,
      body: streamBody(
        `/Type /XObject /Subtype /Image /Width ${raster.width} /Height ${raster.height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode`,
        deflateSync(raster.alpha),
      ),
    });
  }
  const space = raster.channels === 1 ? '/DeviceGray' : '/DeviceRGB';
  objects.unshift({
    num,
    body: streamBody(
      `/Type /XObject /Subtype /Image /Width ${raster.width} /Height ${raster.height} /ColorSpace ${space} /BitsPerComponent 8${smask} /Filter /FlateDecode`,
      deflateSync(raster.pixels),
    ),
  });
  return { num, width: raster.width, height: raster.height, objects };
}
