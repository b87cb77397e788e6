import type { StorageErrorCode } from './types.ts';

/** One entry of the storage error catalogue: what the code means and the HTTP status a service answers with. */
export interface StorageErrorEntry {
  status: number;
  description: string;
}

/**
 * Every `StorageError` code, documented once. Services map these to
 * application/problem+json (RFC 9457); the statuses follow the S3 error responses
 * the codes come from (S3 API Reference, "Error responses").
 */
export const storageErrorCatalogue: Record<StorageErrorCode, StorageErrorEntry> = {
  OBJECT_NOT_FOUND: { status: 404, description: 'No such object, or no such version of it (S3 NoSuchKey / NoSuchVersion).' },
  BUCKET_NOT_FOUND: { status: 404, description: 'No such bucket (S3 NoSuchBucket).' },
  OBJECT_LOCKED: {
    status: 409,
    description:
      'Object Lock forbids it: the version is under retention or legal hold, or a COMPLIANCE retention would be shortened or weakened.',
  },
  INVALID_RANGE: { status: 416, description: 'The byte range does not fit the object (HTTP 416, S3 InvalidRange).' },
  CHECKSUM_MISMATCH: { status: 422, description: 'The stored bytes do not hash to the expected SHA-256; nothing was kept.' },
  INVALID_KEY: { status: 400, description: 'The object key or bucket name is not allowed (path tricks, NUL, too long, bad characters).' },
  STORAGE_UNAVAILABLE: { status: 503, description: 'The object store cannot be reached or answered with a server error.' },
};
