/**
 * The `signature_session` table: which document and signer a two-step signature session
 * (signing's, services/signing README "Two-step signing") was prepared for.
 */
import type { Queryable } from '../queryable.ts';

/** How long a row is kept after its session expired (signing refuses it with 410 until then). */
const keptAfterExpiry = '1 day';

/** Records that `session` was prepared for `document` by `signer`; forgets sessions long expired. */
export async function recordSignatureSession(
  q: Queryable,
  row: { session: string; document: string; signer: string; expiresAt: string },
): Promise<void> {
  await q.query(`DELETE FROM signature_session WHERE expires_at < now() - interval '${keptAfterExpiry}'`);
  await q.query(
    'INSERT INTO signature_session (session, document, signer, expires_at) VALUES ($1, $2, $3, $4) ON CONFLICT (session) DO NOTHING',
    [row.session, row.document, row.signer, row.expiresAt],
  );
}

/** True when `session` was prepared for `document` by `signer`. */
export async function isSessionOf(q: Queryable, session: string, document: string, signer: string): Promise<boolean> {
  const { rowCount } = await q.query(
    'SELECT 1 FROM signature_session WHERE session = $1 AND document = $2 AND signer = $3',
    [session, document, signer],
  );
  return (rowCount ?? 0) > 0;
}
