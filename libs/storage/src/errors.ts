/**
 * The error catalogue of `@lienthong/storage`: one stable code per storage condition, with
 * the HTTP status a service answers with if the error reaches a handler (`@lienthong/service`
 * turns it into RFC 9457 problem details). The statuses follow the S3 error responses the
 * codes come from (S3 API Reference, "Error responses"). Documented in README.md.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const storageErrors = defineErrors({
  OBJECT_NOT_FOUND: { status: 404, title: 'Object not found' },
  BUCKET_NOT_FOUND: { status: 404, title: 'Bucket not found' },
  OBJECT_LOCKED: { status: 409, title: 'Object locked' },
  INVALID_RANGE: { status: 416, title: 'Range not satisfiable' },
  CHECKSUM_MISMATCH: { status: 422, title: 'Checksum mismatch' },
  INVALID_KEY: { status: 400, title: 'Invalid object key' },
  STORAGE_UNAVAILABLE: { status: 503, title: 'Object storage unavailable' },
});

/** A code of the catalogue. */
export type StorageErrorCode = CodeOf<typeof storageErrors>;

/** The one error type the stores throw; `code` is stable, `cause` keeps the original. */
export class StorageError extends errorClass(storageErrors) {}

/** True when `e` is a `StorageError` (of `code`, when given). */
export const isStorageError = errorGuard(StorageError);
