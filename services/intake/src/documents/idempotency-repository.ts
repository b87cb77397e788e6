/**
 * The `idempotency_key` table: the answer a submission with an Idempotency-Key got, kept a
 * day, so that a retry gets the same answer and makes no second document.
 */
import type { Queryable } from '../queryable.ts';

/** Who sent a key: a key is one caller's, of one office. */
export interface IdempotencyScope {
  office: string;
  caller: string;
  key: string;
}

/** A kept answer. */
export interface IdempotentAnswer {
  fingerprint: string;
  status: number | null;
  answer: unknown;
}

/**
 * Claims `scope` for a request with `fingerprint`; true when this call claimed it. An
 * expired claim is removed first. When another transaction holds an uncommitted claim of
 * the same key, the insert waits for it (the primary key), so concurrent retries line up.
 */
export async function claimKey(q: Queryable, scope: IdempotencyScope, fingerprint: string): Promise<boolean> {
  await q.query('DELETE FROM idempotency_key WHERE office = $1 AND caller = $2 AND key = $3 AND expires_at < now()', [
    scope.office,
    scope.caller,
    scope.key,
  ]);
  const { rowCount } = await q.query(
    `INSERT INTO idempotency_key (office, caller, key, fingerprint) VALUES ($1, $2, $3, $4)
     ON CONFLICT (office, caller, key) DO NOTHING`,
    [scope.office, scope.caller, scope.key, fingerprint],
  );
  return rowCount === 1;
}

/** The answer kept for `scope` and not expired, if any. */
export async function findAnswer(q: Queryable, scope: IdempotencyScope): Promise<IdempotentAnswer | undefined> {
  const { rows } = await q.query<IdempotentAnswer>(
    'SELECT fingerprint, status, answer FROM idempotency_key WHERE office = $1 AND caller = $2 AND key = $3 AND expires_at >= now()',
    [scope.office, scope.caller, scope.key],
  );
  return rows[0];
}

/** Records the answer of a claimed key. */
export async function keepAnswer(
  q: Queryable,
  scope: IdempotencyScope,
  answer: { document: string; status: number; body: unknown },
): Promise<void> {
  await q.query(
    'UPDATE idempotency_key SET document = $4, status = $5, answer = $6 WHERE office = $1 AND caller = $2 AND key = $3',
    [scope.office, scope.caller, scope.key, answer.document, answer.status, JSON.stringify(answer.body)],
  );
}
