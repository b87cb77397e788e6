import { StorageError } from './errors.ts';
import type { Retention } from './types.ts';

/**
 * Checks a retention about to be set: a known mode and a retain-until date in the future
 * (S3 PutObjectRetention refuses a past date). Throws `RangeError`: a caller's mistake,
 * not a storage condition.
 */
export function assertRetentionArgument(retention: Retention, now: Date): void {
  if (retention.mode !== 'COMPLIANCE' && retention.mode !== 'GOVERNANCE') {
    throw new RangeError(`unknown retention mode ${String(retention.mode)}`);
  }
  const until = retention.retainUntil;
  if (!(until instanceof Date) || Number.isNaN(until.getTime()))
    throw new RangeError('retainUntil is not a valid date');
  if (until.getTime() <= now.getTime()) throw new RangeError('retainUntil must lie in the future');
}

/** Whether a retention still protects its version at `now` (S3 Object Lock: until retain-until). */
export function isRetentionActive(retention: Retention | undefined, now: Date): boolean {
  return retention !== undefined && retention.retainUntil.getTime() > now.getTime();
}

/**
 * The S3 Object Lock rule for changing retention, without governance bypass (none is
 * exposed): while a retention is active, the new one must keep or extend the date, and
 * must not weaken the mode (COMPLIANCE stays COMPLIANCE; GOVERNANCE may become COMPLIANCE).
 * Throws `OBJECT_LOCKED`. S3 User Guide, "How S3 Object Lock works" — retention modes.
 */
export function assertRetentionChangeAllowed(current: Retention | undefined, next: Retention, now: Date): void {
  if (current === undefined || !isRetentionActive(current, now)) return;
  if (next.retainUntil.getTime() < current.retainUntil.getTime()) {
    throw new StorageError(
      'OBJECT_LOCKED',
      `retention ${current.mode} until ${current.retainUntil.toISOString()} cannot be shortened`,
    );
  }
  if (current.mode === 'COMPLIANCE' && next.mode !== 'COMPLIANCE') {
    throw new StorageError('OBJECT_LOCKED', 'COMPLIANCE retention cannot be changed to another mode');
  }
}

/**
 * The S3 Object Lock rule for deleting a version: refused while its retention is active
 * (COMPLIANCE, and GOVERNANCE since no bypass is exposed) or a legal hold is on.
 * Throws `OBJECT_LOCKED`.
 */
export function assertVersionDeletable(
  lock: { retention?: Retention | undefined; legalHold: boolean },
  now: Date,
): void {
  if (lock.legalHold) throw new StorageError('OBJECT_LOCKED', 'the version is under legal hold');
  if (lock.retention !== undefined && isRetentionActive(lock.retention, now)) {
    throw new StorageError(
      'OBJECT_LOCKED',
      `the version is under ${lock.retention.mode} retention until ${lock.retention.retainUntil.toISOString()}`,
    );
  }
}
