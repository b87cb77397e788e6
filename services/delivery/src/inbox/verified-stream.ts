/**
 * The check of a document on the way out (libs/storage `verifiedStream`): a reader never
 * receives the complete document unless its length and SHA-256 are the ones the issue
 * recorded; on a mismatch the stream fails with CONTENT_INTEGRITY_FAILED (the HTTP response
 * is cut short) and nothing is handed over.
 */
import { AppError } from '@lienthong/service';
import { verifiedStream as storageVerifiedStream } from '@lienthong/storage';
import type { VerifiedStream } from '@lienthong/storage';
import { deliveryErrors } from '../errors.ts';

export type { VerifiedStream };

/** A stream that passes `byteLength` bytes hashing to `sha256` (hex) and fails on anything else. */
export function verifiedStream(expected: { sha256: string; byteLength: number }): VerifiedStream {
  return storageVerifiedStream(expected, (detail) => new AppError(deliveryErrors.CONTENT_INTEGRITY_FAILED, { detail }));
}
