import { StorageError } from './errors.ts';

/** S3 caps keys at 1024 bytes of UTF-8 (S3 User Guide, "Naming Amazon S3 objects"). */
export const maxKeyBytes = 1024;

/**
 * Checks an object key against path tricks so that both stores accept the same keys:
 * non-empty, at most 1024 UTF-8 bytes, no NUL or other control characters, no backslash,
 * no leading `/`, no empty, `.` or `..` segment. Throws `INVALID_KEY`.
 */
export function assertValidKey(key: string): void {
  const reason = keyProblem(key);
  if (reason !== undefined) throw new StorageError('INVALID_KEY', `invalid object key: ${reason}`);
}

function keyProblem(key: string): string | undefined {
  if (typeof key !== 'string' || key.length === 0) return 'empty';
  if (Buffer.byteLength(key, 'utf8') > maxKeyBytes) return `longer than ${maxKeyBytes} bytes`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(key)) return 'contains a control character';
  if (key.includes('\\')) return 'contains a backslash';
  if (key.startsWith('/')) return 'is absolute';
  if (key.isWellFormed?.() === false) return 'is not well-formed Unicode';
  for (const segment of key.split('/')) {
    if (segment === '') return 'has an empty segment';
    if (segment === '.' || segment === '..') return `has a "${segment}" segment`;
  }
  return undefined;
}

/**
 * Checks a bucket name against the S3 rules (S3 User Guide, "Bucket naming rules"):
 * 3–63 characters, lowercase letters, digits, dots and hyphens, starting and ending
 * with a letter or digit, no `..`. Throws `INVALID_KEY`.
 */
export function assertValidBucket(bucket: string): void {
  const ok = typeof bucket === 'string' && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) && !bucket.includes('..');
  if (!ok) throw new StorageError('INVALID_KEY', `invalid bucket name: ${JSON.stringify(bucket)}`);
}

/** User metadata keys travel as `x-amz-meta-*` HTTP headers: HTTP token characters only. */
export function assertValidMetadata(metadata: Record<string, string>): void {
  for (const [name, value] of Object.entries(metadata)) {
    if (!/^[a-z0-9!#$%&'*+.^_`|~-]+$/.test(name)) {
      throw new StorageError(
        'INVALID_KEY',
        `invalid metadata name ${JSON.stringify(name)}: lowercase HTTP token characters only`,
      );
    }
    if (!/^[\u0020-\u007e]*$/.test(value)) {
      throw new StorageError('INVALID_KEY', `invalid metadata value for ${name}: printable ASCII only`);
    }
  }
}
