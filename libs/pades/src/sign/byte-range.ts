import { createHash } from 'node:crypto';
import { PdfError, forEachChunk, type ByteSource } from '@lienthong/pdf';
import { readNode, type HashName } from '@lienthong/pki';

/** A signature's /ByteRange (ISO 32000-1 §12.8.1): `[start1 length1 start2 length2]`. */
export type ByteRange = readonly [number, number, number, number];

/** Checks the shape of a /ByteRange against the file: starts at 0, one gap, inside the file. */
export function checkByteRange(br: ByteRange, size: number): void {
  const [a, b, c, d] = br;
  const ok = [a, b, c, d].every((x) => Number.isSafeInteger(x) && x >= 0) && a === 0 && b < c && c + d <= size;
  if (!ok) throw new PdfError('PDF_SIGNATURE_INVALID', `ByteRange [${br.join(' ')}] does not fit a ${size}-byte file.`);
}

/** The digest of the bytes a /ByteRange covers, read in chunks (memory stays flat for any file size). */
export async function byteRangeDigest(source: ByteSource, br: ByteRange, hash: HashName): Promise<Uint8Array> {
  checkByteRange(br, source.size);
  const h = createHash(hash);
  await forEachChunk(source, br[0], br[0] + br[1], (chunk) => void h.update(chunk));
  await forEachChunk(source, br[2], br[2] + br[3], (chunk) => void h.update(chunk));
  return h.digest();
}

/** The length of the BER/DER TLV at the start of a /Contents value (zero-padded after it; indefinite lengths allowed). */
export function derLength(bytes: Uint8Array): number {
  if (bytes[0] !== 0x30) throw new PdfError('PDF_SIGNATURE_INVALID', '/Contents does not start with a SEQUENCE.');
  try {
    return readNode(bytes).end;
  } catch (e) {
    throw new PdfError('PDF_SIGNATURE_INVALID', '/Contents is not a well-formed BER/DER structure.', { cause: e });
  }
}
