/**
 * Signing keys (table `signing_key`) in the service's schema: one-purpose queries. Private
 * keys go in and out only encrypted (PKCS#8 EncryptedPrivateKeyInfo); nothing here ever sees
 * a PIN. The appearance image (columns `image`, `image_type`: the office's round seal, con
 * dấu, or the signer's handwritten signature) is read only where it is drawn or downloaded,
 * never with the key listings.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';
import type { PinPolicyState } from './pin.ts';

/** Whose key it is: a signer's own, or the office's seal. */
export type KeyPurpose = 'personal' | 'seal';

/**
 * Where the private key is: here, encrypted (`server`); in the service's PKCS#11 token
 * (`pkcs11`, seals); or on the signer's own USB token (`token`: certified from a certification
 * request, it never came here, so the key signs only through two-step signing).
 */
export type KeyStorage = 'server' | 'pkcs11' | 'token';

/** One row of `signing_key`. */
export interface SigningKeyRecord {
  id: string;
  /** The office (văn phòng) the key belongs to. */
  office: string;
  /** The principal subject who may use it (personal keys); `registry` for seals. */
  owner: string;
  purpose: KeyPurpose;
  storage: KeyStorage;
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
  /** Personal keys: whether the PIN was set under the PIN policy (pin.ts); null for seals and token keys (no PIN). */
  pinPolicy: PinPolicyState | null;
}

/** The media types of an appearance image. */
export type KeyImageType = 'image/png' | 'image/jpeg';

interface KeyRow {
  id: string;
  office: string;
  owner: string;
  purpose: KeyPurpose;
  storage: KeyStorage;
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
  pin_policy: PinPolicyState | null;
}

const columns = `id, office, owner, purpose, storage, algorithm, certificate_der, chain_der, ca_certificate_id,
  encrypted_pkcs8, token_key_label, failed_pin_attempts, locked_at, created_at, last_used_at, image_type, pin_policy`;

function toRecord(row: KeyRow): SigningKeyRecord {
  return {
    id: row.id,
    office: row.office,
    owner: row.owner,
    purpose: row.purpose,
    storage: row.storage,
    algorithm: row.algorithm,
    certificateDer: new Uint8Array(row.certificate_der),
    chainDer: row.chain_der.map((der) => new Uint8Array(der)),
    caCertificateId: row.ca_certificate_id,
    encryptedPkcs8: row.encrypted_pkcs8 === null ? null : new Uint8Array(row.encrypted_pkcs8),
    tokenKeyLabel: row.token_key_label,
    failedPinAttempts: row.failed_pin_attempts,
    lockedAt: row.locked_at,
    createdAt: row.created_at,
    lastUsedAt: row.last_used_at,
    imageType: row.image_type,
    pinPolicy: row.pin_policy,
  };
}

/** A key about to be stored (counters and times start empty, without an image). */
export type NewSigningKey = Omit<
  SigningKeyRecord,
  'failedPinAttempts' | 'lockedAt' | 'createdAt' | 'lastUsedAt' | 'imageType'
>;

/** Stores a new key. */
export async function insertSigningKey(q: Queryable, key: NewSigningKey): Promise<void> {
  await q.query(
    `INSERT INTO signing_key (id, office, owner, purpose, storage, algorithm, certificate_der, chain_der, ca_certificate_id, encrypted_pkcs8, token_key_label, pin_policy)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
    [
      key.id,
      key.office,
      key.owner,
      key.purpose,
      key.storage,
      key.algorithm,
      Buffer.from(key.certificateDer),
      key.chainDer.map((der) => Buffer.from(der)),
      key.caCertificateId,
      key.encryptedPkcs8 === null ? null : Buffer.from(key.encryptedPkcs8),
      key.tokenKeyLabel,
      key.pinPolicy,
    ],
  );
}

/** The key `id` of `office`, or undefined (another office's key is never found). */
export async function findSigningKey(q: Queryable, office: string, id: string): Promise<SigningKeyRecord | undefined> {
  const { rows } = await q.query<KeyRow>(`SELECT ${columns} FROM signing_key WHERE id = $1 AND office = $2`, [
    id,
    office,
  ]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The same, row-locked until the transaction ends (PIN checks of one key run one at a time). */
export async function lockSigningKey(
  client: PoolClient,
  office: string,
  id: string,
): Promise<SigningKeyRecord | undefined> {
  const { rows } = await client.query<KeyRow>(
    `SELECT ${columns} FROM signing_key WHERE id = $1 AND office = $2 FOR UPDATE`,
    [id, office],
  );
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/**
 * The seal keys of `office` whose certificate this CA has not recorded as revoked (a seal of
 * another CA, without a certificate row, counts as not revoked), newest first.
 */
export async function listUnrevokedSeals(q: Queryable, office: string): Promise<SigningKeyRecord[]> {
  const { rows } = await q.query<KeyRow>(
    `SELECT ${columns
      .split(',')
      .map((c) => `k.${c.trim()}`)
      .join(', ')}
       FROM signing_key k LEFT JOIN certificate c ON c.id = k.ca_certificate_id
      WHERE k.office = $1 AND k.purpose = 'seal' AND (k.ca_certificate_id IS NULL OR c.revoked_at IS NULL)
      ORDER BY k.created_at DESC, k.id DESC`,
    [office],
  );
  return rows.map(toRecord);
}

/** The keys of `office` whose owner is one of `owners` (all of them when undefined), oldest first. */
export async function listSigningKeys(
  q: Queryable,
  office: string,
  owners: readonly string[] | undefined,
): Promise<SigningKeyRecord[]> {
  const { rows } = await q.query<KeyRow>(
    `SELECT ${columns} FROM signing_key WHERE office = $1 AND ($2::text[] IS NULL OR owner = ANY($2::text[])) ORDER BY created_at, id`,
    [office, owners ?? null],
  );
  return rows.map(toRecord);
}

/** Whether a key of `office` goes with the CA certificate `certificateId` (so the office may revoke it). */
export async function officeHoldsCertificate(q: Queryable, office: string, certificateId: string): Promise<boolean> {
  const { rows } = await q.query('SELECT 1 FROM signing_key WHERE ca_certificate_id = $1 AND office = $2 LIMIT 1', [
    certificateId,
    office,
  ]);
  return rows.length > 0;
}

/** Records a wrong PIN; locks the key at `lockAfter` consecutive failures. Returns the new count. */
export async function recordPinFailure(client: PoolClient, id: string, lockAfter: number): Promise<number> {
  const { rows } = await client.query<{ failed_pin_attempts: number }>(
    `UPDATE signing_key SET failed_pin_attempts = failed_pin_attempts + 1,
       locked_at = CASE WHEN failed_pin_attempts + 1 >= $2 THEN now() ELSE locked_at END
     WHERE id = $1 RETURNING failed_pin_attempts`,
    [id, lockAfter],
  );
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

/** Replaces the encrypted key under a new PIN, which met the PIN policy (a PIN change). */
export async function replaceEncryptedKey(q: Queryable, id: string, encryptedPkcs8: Uint8Array): Promise<void> {
  await q.query("UPDATE signing_key SET encrypted_pkcs8 = $2, pin_policy = 'met' WHERE id = $1", [
    id,
    Buffer.from(encryptedPkcs8),
  ]);
}

/** Replaces the encrypted key with the same key encrypted anew (this release's form); the PIN policy flag stays. */
export async function reEncryptKey(q: Queryable, id: string, encryptedPkcs8: Uint8Array): Promise<void> {
  await q.query('UPDATE signing_key SET encrypted_pkcs8 = $2 WHERE id = $1', [id, Buffer.from(encryptedPkcs8)]);
}

/** The server-held seal keys (encrypted under the KEK): id and encrypted key. */
export async function listServerSealKeys(q: Queryable): Promise<{ id: string; encryptedPkcs8: Uint8Array }[]> {
  const { rows } = await q.query<{ id: string; encrypted_pkcs8: Buffer }>(
    "SELECT id, encrypted_pkcs8 FROM signing_key WHERE purpose = 'seal' AND storage = 'server'",
  );
  return rows.map((r) => ({ id: r.id, encryptedPkcs8: new Uint8Array(r.encrypted_pkcs8) }));
}

/** An appearance image as stored: its bytes and media type. */
export interface KeyImage {
  bytes: Uint8Array;
  type: KeyImageType;
}

/** The image of key `id` of `office`, or undefined when the key has none (or is not the office's). */
export async function findKeyImage(q: Queryable, office: string, id: string): Promise<KeyImage | undefined> {
  const { rows } = await q.query<{ image: Buffer | null; image_type: KeyImageType | null }>(
    'SELECT image, image_type FROM signing_key WHERE id = $1 AND office = $2',
    [id, office],
  );
  const row = rows[0];
  if (row?.image == null || row.image_type === null) return undefined;
  return { bytes: new Uint8Array(row.image), type: row.image_type };
}

/** Sets (an image) or clears (null) the image of key `id`; false when no key of `office` has that id. */
export async function replaceKeyImage(
  q: Queryable,
  office: string,
  id: string,
  image: KeyImage | null,
): Promise<boolean> {
  const { rowCount } = await q.query(
    'UPDATE signing_key SET image = $3, image_type = $4 WHERE id = $1 AND office = $2',
    [id, office, image === null ? null : Buffer.from(image.bytes), image?.type ?? null],
  );
  return (rowCount ?? 0) > 0;
}
