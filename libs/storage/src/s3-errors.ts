import { StorageError } from './errors.ts';

const unavailableNetworkCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
]);
const unavailableS3Codes = new Set([
  'InternalError',
  'ServiceUnavailable',
  'SlowDown',
  'XMinioServerNotInitialized',
  'RequestTimeout',
]);

/** What the failing call was doing, which decides how an ambiguous S3 answer reads. */
export type S3Operation = 'delete' | 'retention' | 'legal-hold' | 'read' | 'write' | 'bucket' | 'ping';

/** The S3 error code of an error thrown by the `minio` client (or a Node network error code). */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Maps an error from the `minio` client to a `StorageError` (S3 API Reference, "Error
 * responses"), keeping the original as `cause`. Errors with no meaning for callers are
 * returned unchanged. A refused delete of a locked version comes back from MinIO as
 * `InvalidRequest` and from Versity as `AccessDenied`; both read as `OBJECT_LOCKED`, as does
 * a refused retention change. Retention asked of a bucket without Object Lock is a caller's
 * mistake (`RangeError`), as in the folder store.
 */
export function toStorageError(error: unknown, operation: S3Operation, what: string): unknown {
  if (error instanceof StorageError) return error;
  const code = errorCode(error);
  const wrap = (c: StorageError['code'], message: string): StorageError =>
    new StorageError(c, `${what}: ${message}`, { cause: error });
  switch (code) {
    case 'NoSuchKey':
    case 'NoSuchVersion':
    case 'NotFound':
    case 'MethodNotAllowed': // a delete marker read by version id
      return wrap('OBJECT_NOT_FOUND', 'no such object or version');
    case 'NoSuchBucket':
      return wrap('BUCKET_NOT_FOUND', 'no such bucket');
    case 'InvalidRange':
      return wrap('INVALID_RANGE', 'the range does not fit the object');
    case 'InvalidRequest':
    case 'AccessDenied':
    case 'ObjectLocked':
      if (error instanceof Error && /object\s*lock\s*configuration/i.test(error.message)) {
        return new RangeError(`${what}: the bucket was not created with Object Lock`, { cause: error });
      }
      if (operation === 'delete' || operation === 'retention' || operation === 'legal-hold') {
        return wrap('OBJECT_LOCKED', `refused by Object Lock (${code})`);
      }
      return error;
    case undefined:
    default:
      break;
  }
  if (
    code !== undefined &&
    (unavailableNetworkCodes.has(code) || unavailableS3Codes.has(code) || code.startsWith('UND_ERR'))
  ) {
    return wrap('STORAGE_UNAVAILABLE', `object store unavailable (${code})`);
  }
  if (error instanceof Error && /Retryable HTTP status|socket hang up|ECONNREFUSED/.test(error.message)) {
    return wrap('STORAGE_UNAVAILABLE', error.message);
  }
  return error;
}
