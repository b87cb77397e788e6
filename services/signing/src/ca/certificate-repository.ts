/**
 * The CA's certificates and their private keys (tables `certificate`, `private_key`) in the
 * service's schema: one-purpose queries that take a pool or a client in a transaction.
 * Private keys go in and out only as PKCS#8 EncryptedPrivateKeyInfo (RFC 5958 §3);
 * decrypting is the caller's business, at use.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';

/** What a certificate of this CA is for. */
export type CertificateRole = 'root' | 'issuing-ca' | 'tsa' | 'ocsp' | 'seal' | 'person';

/** One row of `certificate`. */
export interface CertificateRecord {
  id: string;
  role: CertificateRole;
  /** The subject as one line (C=VN, O=…, CN=…). */
  subject: string;
  /** Content octets of serialNumber, hex (RFC 5280 §4.1.2.2). */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  der: Uint8Array;
  issuerId: string | null;
  revokedAt: Date | null;
  /** CRLReason (RFC 5280 §5.3.1). */
  revocationReason: number | null;
}

interface CertificateRow {
  id: string;
  role: CertificateRole;
  subject: string;
  serial: string;
  not_before: Date;
  not_after: Date;
  der: Buffer;
  issuer_id: string | null;
  revoked_at: Date | null;
  revocation_reason: number | null;
}

const columns = 'id, role, subject, serial, not_before, not_after, der, issuer_id, revoked_at, revocation_reason';

function toRecord(row: CertificateRow): CertificateRecord {
  return {
    id: row.id,
    role: row.role,
    subject: row.subject,
    serialHex: row.serial,
    notBefore: row.not_before,
    notAfter: row.not_after,
    der: new Uint8Array(row.der),
    issuerId: row.issuer_id,
    revokedAt: row.revoked_at,
    revocationReason: row.revocation_reason,
  };
}

/** Stores a certificate and, when given, its encrypted private key. Use inside a transaction. */
export async function insertCertificate(
  q: Queryable,
  record: CertificateRecord,
  encryptedKey?: Uint8Array,
): Promise<void> {
  await q.query(`INSERT INTO certificate (${columns}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, [
    record.id,
    record.role,
    record.subject,
    record.serialHex,
    record.notBefore,
    record.notAfter,
    Buffer.from(record.der),
    record.issuerId,
    record.revokedAt,
    record.revocationReason,
  ]);
  if (encryptedKey !== undefined) {
    await q.query('INSERT INTO private_key (certificate_id, encrypted_pkcs8) VALUES ($1, $2)', [
      record.id,
      Buffer.from(encryptedKey),
    ]);
  }
}

/** The certificate with `id`, or undefined. */
export async function findCertificate(q: Queryable, id: string): Promise<CertificateRecord | undefined> {
  const { rows } = await q.query<CertificateRow>(`SELECT ${columns} FROM certificate WHERE id = $1`, [id]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The roles anyone may list: the hierarchy, the trust services and the offices' seals. */
export const publicRoles: readonly CertificateRole[] = ['root', 'issuing-ca', 'tsa', 'ocsp', 'seal'];

/**
 * One page of the certificates a caller may list, oldest first: those of `publicRoles`,
 * and, when `office` is given, the personal certificates of that office's keys (a person
 * certificate belongs to the office of the signing key that holds it). Fetches one more
 * than `limit` so the caller learns whether a next page exists.
 */
export async function listVisibleCertificates(
  q: Queryable,
  page: { office: string | undefined; limit: number; offset: number },
): Promise<CertificateRecord[]> {
  const { rows } = await q.query<CertificateRow>(
    `SELECT ${columns} FROM certificate c
      WHERE c.role = ANY($1::text[])
         OR (c.role = 'person' AND $2::text IS NOT NULL
             AND EXISTS (SELECT 1 FROM signing_key k WHERE k.ca_certificate_id = c.id AND k.office = $2))
      ORDER BY c.created_at, c.id LIMIT $3 OFFSET $4`,
    [publicRoles, page.office ?? null, page.limit + 1, page.offset],
  );
  return rows.map(toRecord);
}

/** The newest certificate with `role`, or undefined. */
export async function findByRole(q: Queryable, role: CertificateRole): Promise<CertificateRecord | undefined> {
  const { rows } = await q.query<CertificateRow>(
    `SELECT ${columns} FROM certificate WHERE role = $1 ORDER BY created_at DESC, id LIMIT 1`,
    [role],
  );
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The certificates `issuerId` issued with these serial numbers (hex). */
export async function findIssuedBySerials(
  q: Queryable,
  issuerId: string,
  serials: readonly string[],
): Promise<CertificateRecord[]> {
  const { rows } = await q.query<CertificateRow>(
    `SELECT ${columns} FROM certificate WHERE issuer_id = $1 AND serial = ANY($2::text[])`,
    [issuerId, serials],
  );
  return rows.map(toRecord);
}

/** What the CA's records say of one certificate it issued: for verification's revocation authority. */
export interface IssuedStatus {
  issuerId: string;
  serialHex: string;
  revokedAt: Date | null;
  revocationReason: number | null;
}

/** Every certificate `issuerIds` issued, with its revocation. */
export async function listIssuedStatuses(q: Queryable, issuerIds: readonly string[]): Promise<IssuedStatus[]> {
  const { rows } = await q.query<{
    issuer_id: string;
    serial: string;
    revoked_at: Date | null;
    revocation_reason: number | null;
  }>('SELECT issuer_id, serial, revoked_at, revocation_reason FROM certificate WHERE issuer_id = ANY($1::uuid[])', [
    issuerIds,
  ]);
  return rows.map((row) => ({
    issuerId: row.issuer_id,
    serialHex: row.serial,
    revokedAt: row.revoked_at,
    revocationReason: row.revocation_reason,
  }));
}

/** The revoked certificates `issuerId` issued. */
export async function findRevoked(q: Queryable, issuerId: string): Promise<CertificateRecord[]> {
  const { rows } = await q.query<CertificateRow>(
    `SELECT ${columns} FROM certificate WHERE issuer_id = $1 AND revoked_at IS NOT NULL ORDER BY revoked_at, id`,
    [issuerId],
  );
  return rows.map(toRecord);
}

/** The certificate with `id`, row-locked until the transaction ends (a revocation decides on it once). */
export async function lockCertificate(client: PoolClient, id: string): Promise<CertificateRecord | undefined> {
  const { rows } = await client.query<CertificateRow>(`SELECT ${columns} FROM certificate WHERE id = $1 FOR UPDATE`, [
    id,
  ]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** Marks a certificate revoked (RFC 5280 §5.3.1 reason); false when it was not found or already revoked. */
export async function revokeCertificate(q: Queryable, id: string, at: Date, reason: number): Promise<boolean> {
  const result = await q.query(
    'UPDATE certificate SET revoked_at = $2, revocation_reason = $3 WHERE id = $1 AND revoked_at IS NULL',
    [id, at, reason],
  );
  return result.rowCount === 1;
}

/** The encrypted PKCS#8 of a certificate's key, or undefined when the service holds none. */
export async function findEncryptedKey(q: Queryable, certificateId: string): Promise<Uint8Array | undefined> {
  const { rows } = await q.query<{ encrypted_pkcs8: Buffer }>(
    'SELECT encrypted_pkcs8 FROM private_key WHERE certificate_id = $1',
    [certificateId],
  );
  return rows[0] === undefined ? undefined : new Uint8Array(rows[0].encrypted_pkcs8);
}

/** Every encrypted CA key, by certificate id (re-encrypting the previous release's at start). */
export async function listEncryptedKeys(
  q: Queryable,
): Promise<{ certificateId: string; encryptedPkcs8: Uint8Array }[]> {
  const { rows } = await q.query<{ certificate_id: string; encrypted_pkcs8: Buffer }>(
    'SELECT certificate_id, encrypted_pkcs8 FROM private_key',
  );
  return rows.map((r) => ({ certificateId: r.certificate_id, encryptedPkcs8: new Uint8Array(r.encrypted_pkcs8) }));
}

/** Replaces the encrypted key of a certificate (the same key, encrypted anew). */
export async function replaceEncryptedKey(q: Queryable, certificateId: string, encrypted: Uint8Array): Promise<void> {
  await q.query('UPDATE private_key SET encrypted_pkcs8 = $2 WHERE certificate_id = $1', [
    certificateId,
    Buffer.from(encrypted),
  ]);
}

/** Takes the transaction-level advisory lock that serialises setting up the CA. */
export async function lockCaSetup(client: PoolClient): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lienthong.signing.ca-setup', 0))");
}
