/**
 * The signing log (table `signing_log`): every key request and its approval or refusal,
 * import (and refused import), seal enrolment, signature, refused PIN, lock, PIN change,
 * two-step step, image change, unlock, and change to an office's registered people. Never a
 * PIN, key material or image bytes.
 */
import type { Queryable } from '../queryable.ts';

/** One line of the signing log. */
export interface SigningLogEntry {
  office: string;
  subject: string;
  action:
    | 'enrol'
    | 'request'
    | 'request-refused'
    | 'approve'
    | 'refuse'
    | 'import'
    | 'import-refused'
    | 'person-set'
    | 'person-remove'
    | 'sign'
    | 'pin-refused'
    | 'locked'
    | 'pin-change'
    | 'two-step-prepare'
    | 'two-step-refused'
    | 'two-step-complete'
    | 'image-set'
    | 'image-remove'
    | 'unlock';
  keyId?: string;
  /** Hex digest of what was signed (for image-set: of the image). */
  digest?: string;
  detail?: string;
}

/** Appends to the signing log (in the caller's transaction, so a refused use is logged with its count). */
export async function logSigning(q: Queryable, entry: SigningLogEntry): Promise<void> {
  await q.query(
    'INSERT INTO signing_log (office, subject, action, key_id, digest, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.office, entry.subject, entry.action, entry.keyId ?? null, entry.digest ?? null, entry.detail ?? null],
  );
}
