/**
 * Prepared two-step signatures (table `two_step_session`): one-purpose queries that take a
 * pool or a client in a transaction.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';

/** One row of `two_step_session`. */
export interface TwoStepSession {
  id: string;
  /** A detached CMS signature, or a PDF signature (prepared PDF in the object store). */
  kind: 'cms' | 'pdf';
  /** For PDFs: what completing needs (libs/pades PdfSignatureState and the level). */
  pdfState: unknown;
  objectKey: string | null;
  office: string;
  owner: string;
  algorithm: string;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
  /** The content digest the signed attributes carry (message-digest). */
  contentDigest: Uint8Array;
  signedAttributes: Uint8Array;
  expiresAt: Date;
  completedAt: Date | null;
}

/** Stores a prepared two-step signature. */
export async function insertTwoStepSession(
  q: Queryable,
  s: Omit<TwoStepSession, 'completedAt' | 'kind' | 'pdfState' | 'objectKey'> &
    Partial<Pick<TwoStepSession, 'kind' | 'pdfState' | 'objectKey'>>,
): Promise<void> {
  await q.query(
    `INSERT INTO two_step_session (id, office, owner, algorithm, certificate_der, chain_der, content_digest, signed_attributes, expires_at, kind, pdf_state, object_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      s.id,
      s.office,
      s.owner,
      s.algorithm,
      Buffer.from(s.certificateDer),
      s.chainDer.map((der) => Buffer.from(der)),
      Buffer.from(s.contentDigest),
      Buffer.from(s.signedAttributes),
      s.expiresAt,
      s.kind ?? 'cms',
      s.pdfState === undefined ? null : JSON.stringify(s.pdfState),
      s.objectKey ?? null,
    ],
  );
}

/** The session `id` of this kind, office and owner, row-locked (it completes once). */
export async function lockTwoStepSession(
  client: PoolClient,
  kind: 'cms' | 'pdf',
  office: string,
  owner: string,
  id: string,
): Promise<TwoStepSession | undefined> {
  const { rows } = await client.query<{
    id: string;
    office: string;
    owner: string;
    algorithm: string;
    certificate_der: Buffer;
    chain_der: Buffer[];
    content_digest: Buffer;
    signed_attributes: Buffer;
    expires_at: Date;
    completed_at: Date | null;
    kind: 'cms' | 'pdf';
    pdf_state: unknown;
    object_key: string | null;
  }>('SELECT * FROM two_step_session WHERE id = $1 AND kind = $2 AND office = $3 AND owner = $4 FOR UPDATE', [
    id,
    kind,
    office,
    owner,
  ]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    id: row.id,
    kind: row.kind,
    pdfState: row.pdf_state,
    objectKey: row.object_key,
    office: row.office,
    owner: row.owner,
    algorithm: row.algorithm,
    certificateDer: new Uint8Array(row.certificate_der),
    chainDer: row.chain_der.map((der) => new Uint8Array(der)),
    contentDigest: new Uint8Array(row.content_digest),
    signedAttributes: new Uint8Array(row.signed_attributes),
    expiresAt: row.expires_at,
    completedAt: row.completed_at,
  };
}

/** Marks a session used (`at` null: open again, when completing failed after the claim). */
export async function completeTwoStepSession(q: Queryable, id: string, at: Date | null): Promise<void> {
  await q.query('UPDATE two_step_session SET completed_at = $2 WHERE id = $1', [id, at]);
}

/** Sessions whose expiry lies before `before` (completed or not), oldest first: their ids and prepared PDFs. */
export async function expiredTwoStepSessions(
  q: Queryable,
  before: Date,
  limit: number,
): Promise<{ id: string; objectKey: string | null }[]> {
  const { rows } = await q.query<{ id: string; object_key: string | null }>(
    'SELECT id, object_key FROM two_step_session WHERE expires_at < $1 ORDER BY expires_at LIMIT $2',
    [before, limit],
  );
  return rows.map((r) => ({ id: r.id, objectKey: r.object_key }));
}

/** Deletes a session that expired before `before`; false when it is gone or not expired. */
export async function deleteExpiredTwoStepSession(q: Queryable, id: string, before: Date): Promise<boolean> {
  const { rowCount } = await q.query('DELETE FROM two_step_session WHERE id = $1 AND expires_at < $2', [id, before]);
  return (rowCount ?? 0) > 0;
}
