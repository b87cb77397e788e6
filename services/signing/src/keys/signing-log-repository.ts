/**
 * The signing log (table `signing_log`): every key request and its approval or refusal,
 * import (and refused import), seal enrolment, signature, accepted and refused PIN, lock, PIN
 * change, two-step step, image change, unlock, and change to an office's registered people.
 * A line records what happened, written with the effect (in its transaction where there is
 * one): a signature once it is made (`sign`, outcome: the SHA-256 of the signature value) or
 * failed (`sign-failed`, outcome: the error code); an issuance whose key could not be stored
 * (`enrol-failed`, `approve-failed`, the certificate revoked). Never a PIN, key material or
 * image bytes.
 */
import { AppError } from '@lienthong/service';
import type { Queryable } from '../queryable.ts';

/** One line of the signing log. */
export interface SigningLogEntry {
  office: string;
  subject: string;
  action:
    | 'enrol'
    | 'enrol-failed'
    | 'request'
    | 'request-refused'
    | 'approve'
    | 'approve-failed'
    | 'refuse'
    | 'import'
    | 'import-refused'
    | 'office-set'
    | 'person-set'
    | 'person-remove'
    | 'sign'
    | 'sign-failed'
    | 'pin-accepted'
    | 'pin-refused'
    | 'pin-capped'
    | 'locked'
    | 'pin-change'
    | 'two-step-prepare'
    | 'two-step-refused'
    | 'two-step-complete'
    | 'image-set'
    | 'image-remove'
    | 'unlock'
    | 'unlock-refused';
  keyId?: string;
  /** Hex digest of what was signed (for image-set: of the image). */
  digest?: string;
  detail?: string;
  /** What the action produced (sign: `sha256:<hex>` of the signature value) or, when it failed, the error code. */
  outcome?: string;
}

/** Appends to the signing log (in the caller's transaction, so a refused use is logged with its count). */
export async function logSigning(q: Queryable, entry: SigningLogEntry): Promise<void> {
  await q.query(
    'INSERT INTO signing_log (office, subject, action, key_id, digest, detail, outcome) VALUES ($1, $2, $3, $4, $5, $6, $7)',
    [
      entry.office,
      entry.subject,
      entry.action,
      entry.keyId ?? null,
      entry.digest ?? null,
      entry.detail ?? null,
      entry.outcome ?? null,
    ],
  );
}

/**
 * Appends many lines in one statement (arrays unnested, in their order): a batch of
 * signatures is logged with one round trip, not one per signature.
 */
export async function logSigningBatch(q: Queryable, entries: readonly SigningLogEntry[]): Promise<void> {
  if (entries.length === 0) return;
  const column = <K extends keyof SigningLogEntry>(name: K) => entries.map((e) => e[name] ?? null);
  await q.query(
    `INSERT INTO signing_log (office, subject, action, key_id, digest, detail, outcome)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::uuid[], $5::text[], $6::text[], $7::text[])`,
    [
      column('office'),
      column('subject'),
      column('action'),
      column('keyId'),
      column('digest'),
      column('detail'),
      column('outcome'),
    ],
  );
}

/**
 * The wrong PINs (`pin-refused`, `locked`) logged for `keyId` in the last `windowMs` by the
 * database's clock, and how long until the oldest of them leaves the window.
 */
export async function recentPinFailures(
  q: Queryable,
  keyId: string,
  windowMs: number,
): Promise<{ count: number; retryAfterMs: number }> {
  const { rows } = await q.query<{ n: string; retry_ms: string | null }>(
    `SELECT count(*) AS n,
            (extract(epoch FROM (min(at) + $2 * interval '1 millisecond' - now())) * 1000)::bigint AS retry_ms
       FROM signing_log
      WHERE key_id = $1 AND action IN ('pin-refused', 'locked') AND at > now() - $2 * interval '1 millisecond'`,
    [keyId, windowMs],
  );
  return { count: Number(rows[0]?.n ?? 0), retryAfterMs: Math.max(0, Number(rows[0]?.retry_ms ?? 0)) };
}

/** The stable code of an error for the log: an AppError's code, a driver's code (SQLSTATE, CKR_), else its name. */
export function errorCode(error: unknown): string {
  if (error instanceof AppError) return String(error.code);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && code.length > 0) return code;
  return error instanceof Error ? error.name : 'unknown';
}
