/**
 * The visible block of a PAdES signature (ISO 32000-1 §12.7.4.5, the widget's normal
 * appearance §12.5.5): the lines, the signing time, and the key's image — the office's round
 * seal stamped under the text (`image-behind`, as on paper) or the signer's handwritten
 * signature at the left (`image-left`). Planned before the key is unlocked, so that a block
 * that cannot be drawn is refused before any use of the key is recorded.
 */
import {
  isAppearanceError,
  signatureAppearance,
  vietnameseFonts,
  type AppearanceImage,
  type SignatureLayout,
  type SignatureLine,
} from '@lienthong/pdf';
import { nameValues, OID, type Certificate } from '@lienthong/pki';
import { AppError, serviceErrors } from '@lienthong/service/errors';
import { signingErrors } from '../errors.ts';
import type { KeyImage, KeyPurpose } from '../keys/key-repository.ts';

/** Where the caller wants the block: 1-based page, [x1, y1, x2, y2] in points, the lines (default: from the certificate). */
export interface VisibleRequest {
  page: number;
  rect: [number, number, number, number];
  lines?: string[];
}

/** The block as the caller asks for it: the rect still as the text `x1,y1,x2,y2`. */
export interface VisibleQuery {
  page: number;
  rect: string;
  lines?: string[];
}

/** The request of a visible block; 400 VALIDATION_FAILED when its rect is empty or upside down. Checked first, before the PDF or a key is touched. */
export function visibleRequestOf(query: VisibleQuery): VisibleRequest {
  const [x1, y1, x2, y2] = query.rect.split(',').map(Number) as [number, number, number, number];
  if (x2 - x1 < 20 || y2 - y1 < 10)
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: 'rect must be x1,y1,x2,y2 with x2 > x1 + 20 and y2 > y1 + 10',
    });
  return { page: query.page, rect: [x1, y1, x2, y2], ...(query.lines === undefined ? {} : { lines: query.lines }) };
}

/** A block ready to draw at signing time. */
export interface SignatureBlock {
  /** 0-based page. */
  page: number;
  x: number;
  y: number;
  width: number;
  height: number;
  lines: string[];
  image?: AppearanceImage;
  layout: SignatureLayout;
}

/** The signing time as a Vietnamese reader expects it: 23/11/2026 20:51 (+07:00). */
export function vietnamTime(at: Date): string {
  const local = new Date(at.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(local.getUTCDate())}/${two(local.getUTCMonth() + 1)}/${local.getUTCFullYear()} ${two(local.getUTCHours())}:${two(local.getUTCMinutes())} (+07:00)`;
}

/**
 * The lines a block shows when the caller gives none (RFC 5280 §4.1.2.6 subject): for a seal
 * the organisation (O, e.g. Tỉnh ủy Cà Mau) and the office (CN, Văn phòng Tỉnh ủy), for a
 * person their name (CN).
 */
export function defaultBlockLines(purpose: KeyPurpose, certificate: Certificate): string[] {
  const names = nameValues(certificate.subject, OID.commonName);
  const lines = purpose === 'seal' ? [...nameValues(certificate.subject, OID.organizationName), ...names] : names;
  return lines
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .slice(0, 6);
}

/** The block's appearance for `alloc`, the signing time `at` added as the last line. */
export function drawBlock(block: SignatureBlock, at: Date, alloc: () => number) {
  const lines: SignatureLine[] = [
    ...block.lines.map((text, i) => ({ text, bold: i === 0 })),
    { text: `Ký số: ${vietnamTime(at)}`, size: 7 },
  ];
  return signatureAppearance(
    {
      width: block.width,
      height: block.height,
      lines,
      layout: block.layout,
      ...(block.image === undefined ? {} : { image: block.image }),
    },
    vietnameseFonts(),
    alloc,
  );
}

/**
 * Plans the block of a signature with a key of `purpose` and `certificate` (its `image`, if
 * any). `fieldSize` is the size of the existing field it fills, if any: the block takes it, so
 * that the viewer's scaling into the field's /Rect keeps the seal round. Drawn once here with a
 * throw-away allocator: a text that does not fit, or a character the font lacks, is a 400 now
 * rather than a failure after the key's use.
 */
export function planSignatureBlock(
  visible: VisibleRequest,
  key: { purpose: KeyPurpose; certificate: Certificate; image: KeyImage | undefined },
  fieldSize: { width: number; height: number } | undefined,
  at: Date,
): SignatureBlock {
  const [x1, y1, x2, y2] = visible.rect;
  const size = fieldSize ?? { width: x2 - x1, height: y2 - y1 };
  const block: SignatureBlock = {
    page: visible.page - 1,
    x: x1,
    y: y1,
    ...size,
    lines: visible.lines ?? defaultBlockLines(key.purpose, key.certificate),
    layout: key.purpose === 'seal' ? 'image-behind' : 'image-left',
    ...(key.image === undefined
      ? {}
      : { image: { bytes: key.image.bytes, type: key.image.type === 'image/png' ? 'png' : 'jpeg' } }),
  };
  try {
    let next = 0;
    drawBlock(block, at, () => ++next);
  } catch (error) {
    if (!isAppearanceError(error)) throw error;
    if (error.code.startsWith('IMAGE_'))
      throw new AppError(signingErrors.IMAGE_UNREADABLE, {
        detail: `The key's image: ${error.message}`,
        extra: { imageError: error.code },
      });
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: `The signature block cannot be drawn: ${error.message}`,
      extra: { appearanceError: error.code },
    });
  }
  return block;
}

/** The signPdf / preparePdfSignature options that place `block` (drawn with the signing time `at`). */
export function blockPlacement(block: SignatureBlock, at: Date) {
  return {
    page: block.page,
    visible: { x: block.x, y: block.y, appearance: (alloc: () => number) => drawBlock(block, at, alloc) },
  };
}

/** Where and how a PDF signature is placed: the options both signing modes pass to libs/pades. */
export interface FieldRequest {
  allowStamp: boolean;
  field?: string;
  reason?: string;
  location?: string;
}

/** The signPdf / preparePdfSignature options of `request` and its `block` (drawn with the signing time `at`). */
export function fieldOptions(request: FieldRequest, block: SignatureBlock | undefined, at: Date) {
  return {
    ...(request.allowStamp ? { allowStamp: true } : {}),
    ...(request.field === undefined ? {} : { fieldName: request.field }),
    ...(request.reason === undefined ? {} : { reason: request.reason }),
    ...(request.location === undefined ? {} : { location: request.location }),
    ...(block === undefined ? {} : blockPlacement(block, at)),
  };
}
