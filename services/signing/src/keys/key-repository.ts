/**
 * Signing keys, two-step sessions and the signing log in the service's schema: one-purpose
 * queries. Private keys go in and out only encrypted (PKCS#8 EncryptedPrivateKeyInfo);
 * nothing here ever sees a PIN.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../ca/certificate-repository.ts';

/** Whose key it is: a signer's own, or the office's seal. */
export type KeyPurpose = 'personal' | 'seal';

/** One row of `signing_key`. */
export interface SigningKeyRecord {
  id: string;
  /** The office (văn phòng) the key belongs to. */
  office: string;
  /** The principal subject who may use it (personal keys); `registry` for seals. */
  owner: string;
  purpose: KeyPurpose;
  storage: 'server' | 'pkcs11';
  /** The libs/pki SigningAlgorithm the key signs with. */
  algorithm: string;
  certificateDer: Uint8Array;
  chainDer: Uint8Array[];
  caCertificateId: string | null;
  encryptedPkcs8: Uint8Array | null;
  tokenKeyLabel: string | null;
  failedPinAttempts: number;
  lockedAt: Date | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  /** The media type of the key's appearance image (seal or handwritten signature), null when it has none. */
  imageType: KeyImageType | null;
}

/** The media types of an appearance image. */
export type KeyImageType = 'image/png' | 'image/jpeg';

interface KeyRow {
  id: string;
  office: string;
  owner: string;
  purpose: KeyPurpose;
  storage: 'server' | 'pkcs11';
  algorithm: string;
  certificate_der: Buffer;
  chain_der: Buffer[];
  ca_certificate_id: string | null;
  encrypted_pkcs8: Buffer | null;
  token_key_label: string | null;
  failed_pin_attempts: number;
  locked_at: Date | null;
  created_at: Date;
  last_used_at: Date | null;
  image_type: KeyImageType | null;
}

const columns = `id, office, owner, purpose, storage, algorithm, certificate_der, chain_der, ca_certificate_id,
  encrypted_pkcs8, token_key_label, failed_pin_attempts, locked_at, created_at, last_used_at, image_type`;

function toRecord(row: KeyRow): SigningKeyRecord {
  return {
    id: row.id, office: row.office, owner: row.owner, purpose: row.purpose, storage: row.storage, algorithm: row.algorithm,
    certificateDer: new Uint8Array(row.certificate_der), chainDer: row.chain_der.map((der) => new Uint8Array(der)),
    caCertificateId: row.ca_certificate_id, encryptedPkcs8: row.encrypted_pkcs8 === null ? null : new Uint8Array(row.encrypted_pkcs8),
    tokenKeyLabel: row.token_key_label, failedPinAttempts: row.failed_pin_attempts, lockedAt: row.locked_at,
    createdAt: row.created_at, lastUsedAt: row.last_used_at, imageType: row.image_type,
  };
}

/** A key about to be stored (counters and times start empty, without an image). */
export type NewSigningKey = Omit<SigningKeyRecord, 'failedPinAttempts' | 'lockedAt' | 'createdAt' | 'lastUsedAt' | 'imageType'>;

/** Stores a new key. */
export async function insertSigningKey(q: Queryable, key: NewSigningKey): Promise<void> {
  await q.query(
    `INSERT INTO signing_key (id, office, owner, purpose, storage, algorithm, certificate_der, chain_der, ca_certificate_id, encrypted_pkcs8, token_key_label)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [key.id, key.office, key.owner, key.purpose, key.storage, key.algorithm, Buffer.from(key.certificateDer),
      key.chainDer.map((der) => Buffer.from(der)), key.caCertificateId,
      key.encryptedPkcs8 === null ? null : Buffer.from(key.encryptedPkcs8), key.tokenKeyLabel],
  );
}

/** The key `id` of `office`, or undefined (another office's key is never found). */
export async function findSigningKey(q: Queryable, office: string, id: string): Promise<SigningKeyRecord | undefined> {
  const { rows } = await q.query<KeyRow>(`SELECT ${columns} FROM signing_key WHERE id = $1 AND office = $2`, [id, office]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The same, row-locked until the transaction ends (PIN checks of one key run one at a time). */
export async function lockSigningKey(client: PoolClient, office: string, id: string): Promise<SigningKeyRecord | undefined> {
  const { rows } = await client.query<KeyRow>(`SELECT ${columns} FROM signing_key WHERE id = $1 AND office = $2 FOR UPDATE`, [id, office]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The keys of `office` whose owner is one of `owners` (all of them when undefined), oldest first. */
export async function listSigningKeys(q: Queryable, office: string, owners: readonly string[] | undefined): Promise<SigningKeyRecord[]> {
  const { rows } = await q.query<KeyRow>(
    `SELECT ${columns} FROM signing_key WHERE office = $1 AND ($2::text[] IS NULL OR owner = ANY($2::text[])) ORDER BY created_at, id`, [office, owners ?? null]);
  return rows.map(toRecord);
}

/** Whether a key of `office` goes with the CA certificate `certificateId` (so the office may revoke it). */
export async function officeHoldsCertificate(q: Queryable, office: string, certificateId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM signing_key WHERE ca_certificate_id = $1 AND office = $2 LIMIT 1', [certificateId, office]);
  return rows.length > 0;
}

/** Records a wrong PIN; locks the key at `lockAfter` consecutive failures. Returns the new count. */
export async function recordPinFailure(client: PoolClient, id: string, lockAfter: number): Promise<number> {
  const { rows } = await client.query<{ failed_pin_attempts: number }>(
    `UPDATE signing_key SET failed_pin_attempts = failed_pin_attempts + 1,
       locked_at = CASE WHEN failed_pin_attempts + 1 >= $2 THEN now() ELSE locked_at END
     WHERE id = $1 RETURNING failed_pin_attempts`, [id, lockAfter]);
  return rows[0]!.failed_pin_attempts;
}

/** Lifts the lock of a key locked by wrong PINs: the count starts again. */
export async function unlockSigningKey(q: Queryable, id: string): Promise<void> {
  await q.query('UPDATE signing_key SET failed_pin_attempts = 0, locked_at = NULL WHERE id = $1', [id]);
}

/** Records a use with the right PIN: the failure count starts again. */
export async function recordKeyUse(q: Queryable, id: string, at: Date): Promise<void> {
  await q.query('UPDATE signing_key SET failed_pin_attempts = 0, last_used_at = $2 WHERE id = $1', [id, at]);
}

/** Replaces the encrypted key (a PIN change). */
export async function replaceEncryptedKey(q: Queryable, id: string, encryptedPkcs8: Uint8Array): Promise<void> {
  await q.query('UPDATE signing_key SET encrypted_pkcs8 = $2 WHERE id = $1', [id, Buffer.from(encryptedPkcs8)]);
}

/** One line of the signing log. */
export interface SigningLogEntry {
  office: string;
  subject: string;
  action: 'enrol' | 'import' | 'sign' | 'pin-refused' | 'locked' | 'pin-change' | 'two-step-prepare' | 'two-step-complete' | 'image-set' | 'image-remove' | 'unlock';
  keyId?: string;
  /** Hex digest of what was signed (for image-set: of the image). */
  digest?: string;
  detail?: string;
}

/** Appends to the signing log (in the caller's transaction, so a refused use is logged with its count). */
export async function logSigning(q: Queryable, entry: SigningLogEntry): Promise<void> {
  await q.query('INSERT INTO signing_log (office, subject, action, key_id, digest, detail) VALUES ($1, $2, $3, $4, $5, $6)',
    [entry.office, entry.subject, entry.action, entry.keyId ?? null, entry.digest ?? null, entry.detail ?? null]);
}

/** One row of `two_step_session`. */
export interface TwoStepSession {
  id: string;
  /** A detached CMS signature, or a PDF signature (prepared PDF in the object store). */
  kind: 'cms' | 'pdf';
  /** For PDFs: what completing needs (libs/pki PdfSignatureState and the level). */
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
export async function insertTwoStepSession(q: Queryable, s: Omit<TwoStepSession, 'completedAt' | 'kind' | 'pdfState' | 'objectKey'> & Partial<Pick<TwoStepSession, 'kind' | 'pdfState' | 'objectKey'>>): Promise<void> {
  await q.query(
    `INSERT INTO two_step_session (id, office, owner, algorithm, certificate_der, chain_der, content_digest, signed_attributes, expires_at, kind, pdf_state, object_key)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [s.id, s.office, s.owner, s.algorithm, Buffer.from(s.certificateDer), s.chainDer.map((der) => Buffer.from(der)),
      Buffer.from(s.contentDigest), Buffer.from(s.signedAttributes), s.expiresAt, s.kind ?? 'cms',
      s.pdfState === undefined ? null : JSON.stringify(s.pdfState), s.objectKey ?? null]);
}

/** The session `id` of this kind, office and owner, row-locked (it completes once). */
export async function lockTwoStepSession(client: PoolClient, kind: 'cms' | 'pdf', office: string, owner: string, id: string): Promise<TwoStepSession | undefined> {
  const { rows } = await client.query<{
    id: string; office: string; owner: string; algorithm: string; certificate_der: Buffer; chain_der: Buffer[];
    content_digest: Buffer; signed_attributes: Buffer; expires_at: Date; completed_at: Date | null; kind: 'cms' | 'pdf'; pdf_state: unknown; object_key: string | null;
  }>('SELECT * FROM two_step_session WHERE id = $1 AND kind = $2 AND office = $3 AND owner = $4 FOR UPDATE', [id, kind, office, owner]);
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    id: row.id, kind: row.kind, pdfState: row.pdf_state, objectKey: row.object_key, office: row.office, owner: row.owner, algorithm: row.algorithm, certificateDer: new Uint8Array(row.certificate_der),
    chainDer: row.chain_der.map((der) => new Uint8Array(der)), contentDigest: new Uint8Array(row.content_digest),
    signedAttributes: new Uint8Array(row.signed_attributes),
    expiresAt: row.expires_at, completedAt: row.completed_at,
  };
}

/** Marks a session used (`at` null: open again, when completing failed after the claim). */
export async function completeTwoStepSession(q: Queryable, id: string, at: Date | null): Promise<void> {
  await q.query('UPDATE two_step_session SET completed_at = $2 WHERE id = $1', [id, at]);
}
