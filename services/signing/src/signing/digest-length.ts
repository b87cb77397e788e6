/** The length a content digest of each algorithm has, checked before anything is prepared or a key is used. */
import type { HashName } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';

const digestLengths: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** 400 DIGEST_ALGORITHM_UNSUITABLE unless `digest` is as long as a `digestAlgorithm` digest. */
export function checkDigestLength(digest: Uint8Array, digestAlgorithm: HashName): void {
  if (digest.length !== digestLengths[digestAlgorithm]) {
    throw new AppError(signingErrors.DIGEST_ALGORITHM_UNSUITABLE, {
      detail: `digest is ${digest.length} bytes; a ${digestAlgorithm} digest is ${digestLengths[digestAlgorithm]}`,
    });
  }
}
