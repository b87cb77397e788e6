/**
 * A signing key's appearance image in `signing_key` (columns `image`, `image_type`): the
 * office's round seal (con dấu) or the signer's handwritten signature. One-purpose queries;
 * the bytes are read only where they are drawn or downloaded, never with the key listings.
 */
import type { Queryable } from '../ca/certificate-repository.ts';
import type { KeyImageType } from './key-repository.ts';

/** An appearance image as stored: its bytes and media type. */
export interface KeyImage {
  bytes: Uint8Array;
  type: KeyImageType;
}

/** The image of key `id` of `office`, or undefined when the key has none (or is not the office's). */
export async function findKeyImage(q: Queryable, office: string, id: string): Promise<KeyImage | undefined> {
  const { rows } = await q.query<{ image: Buffer | null; image_type: KeyImageType | null }>(
    'SELECT image, image_type FROM signing_key WHERE id = $1 AND office = $2', [id, office]);
  const row = rows[0];
  if (row?.image == null || row.image_type === null) return undefined;
  return { bytes: new Uint8Array(row.image), type: row.image_type };
}

/** Sets (an image) or clears (null) the image of key `id`; false when no key of `office` has that id. */
export async function replaceKeyImage(q: Queryable, office: string, id: string, image: KeyImage | null): Promise<boolean> {
  const { rowCount } = await q.query('UPDATE signing_key SET image = $3, image_type = $4 WHERE id = $1 AND office = $2',
    [id, office, image === null ? null : Buffer.from(image.bytes), image?.type ?? null]);
  return (rowCount ?? 0) > 0;
}
