/**
 * The appearance image of a signing key: the office's round seal (con dấu) that its seal
 * signatures show, or the signer's handwritten signature. An image is accepted only when the
 * libs/pdf appearance code reads it (PNG, ISO/IEC 15948; JPEG, ITU-T T.81) into an image
 * XObject (ISO 32000-1 §8.9.5), so a stored image never fails a later signature. Every change
 * is in the signing log, with the image's SHA-256, never its bytes.
 */
import { createHash } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import { createImageResource, isAppearanceError } from '@lienthong/pdf';
import { AppError, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { findKeyImage, findSigningKey, lockSigningKey, replaceKeyImage } from './key-repository.ts';
import type { KeyImage, KeyImageType, SigningKeyRecord } from './key-repository.ts';
import { logSigning } from './signing-log-repository.ts';
import { mayManageKeyImage } from './key-rules.ts';

/** What an appearance image may be. */
export const imageRules = {
  /** Largest upload, bytes. */
  maxBytes: 512 * 1024,
  /** Most pixels (a 40 mm seal scanned at 600 dpi is under 1000x1000; libs/pki alone allows 16 million). */
  maxPixels: 4_000_000,
  mediaTypes: ['image/png', 'image/jpeg'] as const satisfies readonly KeyImageType[],
};

/** The size of a readable image in pixels; 400 IMAGE_UNREADABLE (with `imageError`, the libs/pki code) otherwise, BAD_REQUEST when empty. */
export function checkKeyImage(image: KeyImage): { width: number; height: number } {
  if (image.bytes.length === 0) throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'The body holds no image.' });
  let size: { width: number; height: number };
  try {
    let next = 0;
    // A throw-away allocator: the image XObject is built only to prove it can be.
    size = createImageResource({ bytes: image.bytes, type: image.type === 'image/png' ? 'png' : 'jpeg' }, () => ++next);
  } catch (error) {
    // The bytes are untrusted: whatever the decoder trips on, the image is unreadable.
    const message = error instanceof Error ? error.message : String(error);
    throw new AppError(signingErrors.IMAGE_UNREADABLE, {
      detail: `${message} (${image.type})`,
      extra: { imageError: isAppearanceError(error) ? error.code : 'IMAGE_MALFORMED' },
    });
  }
  if (size.width * size.height > imageRules.maxPixels) {
    throw new AppError(signingErrors.IMAGE_UNREADABLE, {
      detail: `The image is ${size.width}x${size.height} pixels, more than ${imageRules.maxPixels}; scale it down.`,
      extra: { imageError: 'IMAGE_UNSUPPORTED' },
    });
  }
  return { width: size.width, height: size.height };
}

/** The key `keyId` of the caller's office whose image the caller may manage; 404 otherwise (another office's key is never found). */
async function manageableKey(ca: CaContext, principal: Principal, keyId: string): Promise<SigningKeyRecord> {
  const key = await findSigningKey(ca.pool, principal.office, keyId);
  if (key === undefined || !mayManageKeyImage(principal, key)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
  return key;
}

/** Sets the appearance image of the caller's key, replacing any earlier one. */
export async function setKeyImage(ca: CaContext, principal: Principal, keyId: string, image: KeyImage): Promise<void> {
  await manageableKey(ca, principal, keyId);
  const { width, height } = checkKeyImage(image);
  await withTransaction(ca.pool, async (client) => {
    const key = await lockSigningKey(client, principal.office, keyId);
    if (key === undefined || !mayManageKeyImage(principal, key))
      throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
    await replaceKeyImage(client, principal.office, keyId, image);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'image-set',
      keyId,
      digest: createHash('sha256').update(image.bytes).digest('hex'),
      detail: `${image.type} ${width}x${height}, ${image.bytes.length} bytes`,
    });
  });
}

/** The appearance image of the caller's key; 404 SIGNING_KEY_IMAGE_NOT_FOUND when it has none. */
export async function keyImageOf(ca: CaContext, principal: Principal, keyId: string): Promise<KeyImage> {
  await manageableKey(ca, principal, keyId);
  const image = await findKeyImage(ca.pool, principal.office, keyId);
  if (image === undefined) throw new AppError(signingErrors.SIGNING_KEY_IMAGE_NOT_FOUND);
  return image;
}

/** Removes the appearance image of the caller's key (nothing to do, and nothing logged, when it has none). */
export async function removeKeyImage(ca: CaContext, principal: Principal, keyId: string): Promise<void> {
  await manageableKey(ca, principal, keyId);
  await withTransaction(ca.pool, async (client) => {
    const key = await lockSigningKey(client, principal.office, keyId);
    if (key === undefined || !mayManageKeyImage(principal, key))
      throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
    if (key.imageType === null) return;
    await replaceKeyImage(client, principal.office, keyId, null);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'image-remove',
      keyId,
      detail: key.imageType,
    });
  });
}
