/**
 * Requests for personal keys (table `key_request`): one-purpose queries. The key waits here
 * encrypted under the requester's PIN until the request is decided; an approval moves it to
 * `signing_key` and a refusal destroys it, so a decided request holds no key material.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';
import type { PinPolicyState } from './pin.ts';

/**
 * What a request is for: a key generated and certified here (`enrol`), a PKCS#12 import whose
 * certificate names someone else (`import`), or the key of a PKCS #10 certification request
 * made on the signer's USB token, certified here while its private key stays there (`csr`).
 */
export type KeyRequestKind = 'enrol' | 'import' | 'csr';

/** Where a request stands. */
export type KeyRequestState = 'pending' | 'approved' | 'refused';

/** The identity a request was made against, as registered then: what the certificate names. */
export interface RequestedIdentity {
  /** The office's legal name (O). */
  organisation: string;
  /** The office's unit (OU). */
  unit: string;
  /** The person's full name (CN). */
  name: string;
  /** The person's title. */
  title: string;
}

/** One row of `key_request`. */
export interface KeyRequestRecord {
  /** Also the id of the key once approved. */
  id: string;
  office: string;
  /** The subject who asked (the key's owner once approved). */
  requester: string;
  kind: KeyRequestKind;
  state: KeyRequestState;
  /** The key type asked for (enrol). */
  keyType: string | null;
  algorithm: string;
  spki: Uint8Array;
  /** The imported certificate and its chain (import). */
  certificateDer: Uint8Array | null;
  chainDer: Uint8Array[];
  /** The key under the PIN while pending; null once decided, and always for a csr (the key is on the token). */
  encryptedPkcs8: Uint8Array | null;
  /** Whether that PIN met the PIN policy (`unknown`: filed before it applied); null for a csr (no PIN). */
  pinPolicy: PinPolicyState | null;
  /** The certification request (csr): its key is certified, its subject is not. */
  csrDer: Uint8Array | null;
  validityDays: number | null;
  identity: RequestedIdentity;
  /** For an import: what in the certificate does not match the registered identity. */
  mismatches: string[];
  createdAt: Date;
  decidedAt: Date | null;
  decidedBy: string | null;
  reason: string | null;
}

interface KeyRequestRow {
  id: string;
  office: string;
  requester: string;
  kind: KeyRequestKind;
  state: KeyRequestState;
  key_type: string | null;
  algorithm: string;
  spki: Buffer;
  certificate_der: Buffer | null;
  chain_der: Buffer[];
  encrypted_pkcs8: Buffer | null;
  pin_policy: PinPolicyState | null;
  csr_der: Buffer | null;
  validity_days: number | null;
  organisation: string;
  unit: string;
  person_name: string;
  person_title: string;
  mismatches: string[];
  created_at: Date;
  decided_at: Date | null;
  decided_by: string | null;
  reason: string | null;
}

const columns = `id, office, requester, kind, state, key_type, algorithm, spki, certificate_der, chain_der, encrypted_pkcs8,
  pin_policy, csr_der, validity_days, organisation, unit, person_name, person_title, mismatches, created_at, decided_at,
  decided_by, reason`;

function toRecord(row: KeyRequestRow): KeyRequestRecord {
  return {
    id: row.id,
    office: row.office,
    requester: row.requester,
    kind: row.kind,
    state: row.state,
    keyType: row.key_type,
    algorithm: row.algorithm,
    spki: new Uint8Array(row.spki),
    certificateDer: row.certificate_der === null ? null : new Uint8Array(row.certificate_der),
    chainDer: row.chain_der.map((der) => new Uint8Array(der)),
    encryptedPkcs8: row.encrypted_pkcs8 === null ? null : new Uint8Array(row.encrypted_pkcs8),
    pinPolicy: row.pin_policy,
    csrDer: row.csr_der === null ? null : new Uint8Array(row.csr_der),
    validityDays: row.validity_days,
    identity: { organisation: row.organisation, unit: row.unit, name: row.person_name, title: row.person_title },
    mismatches: row.mismatches,
    createdAt: row.created_at,
    decidedAt: row.decided_at,
    decidedBy: row.decided_by,
    reason: row.reason,
  };
}

/** A request about to be stored (pending). */
export type NewKeyRequest = Omit<KeyRequestRecord, 'state' | 'decidedAt' | 'decidedBy' | 'reason'>;

/** Stores a new pending request. */
export async function insertKeyRequest(q: Queryable, r: NewKeyRequest): Promise<void> {
  await q.query(
    `INSERT INTO key_request (id, office, requester, kind, key_type, algorithm, spki, certificate_der, chain_der,
       encrypted_pkcs8, validity_days, organisation, unit, person_name, person_title, mismatches, created_at, pin_policy,
       csr_der)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      r.id,
      r.office,
      r.requester,
      r.kind,
      r.keyType,
      r.algorithm,
      Buffer.from(r.spki),
      r.certificateDer === null ? null : Buffer.from(r.certificateDer),
      r.chainDer.map((der) => Buffer.from(der)),
      r.encryptedPkcs8 === null ? null : Buffer.from(r.encryptedPkcs8),
      r.validityDays,
      r.identity.organisation,
      r.identity.unit,
      r.identity.name,
      r.identity.title,
      r.mismatches,
      r.createdAt,
      r.pinPolicy,
      r.csrDer === null ? null : Buffer.from(r.csrDer),
    ],
  );
}

/**
 * Whether a request pending or approved, of any office, holds the public key `spki` (DER):
 * a key certified once is not certified again for someone else.
 */
export async function keyAlreadyRequested(q: Queryable, spki: Uint8Array): Promise<boolean> {
  const { rowCount } = await q.query(
    `SELECT 1 FROM key_request WHERE sha256(spki) = sha256($1) AND spki = $1 AND state IN ('pending', 'approved') LIMIT 1`,
    [Buffer.from(spki)],
  );
  return (rowCount ?? 0) > 0;
}

/**
 * Serialises the filing of key requests of `office` until the transaction ends, so that
 * two requests at once cannot both slip under the limits.
 */
export async function lockKeyRequestFiling(client: PoolClient, office: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('lienthong.signing.key-request:' || $1, 0))", [
    office,
  ]);
}

/** How many requests are pending in `office`, and how many of them are `requester`'s. */
export async function countPendingKeyRequests(
  q: Queryable,
  office: string,
  requester: string,
): Promise<{ office: number; requester: number }> {
  const { rows } = await q.query<{ office: number; requester: number }>(
    `SELECT count(*)::int AS office, (count(*) FILTER (WHERE requester = $2))::int AS requester
       FROM key_request WHERE office = $1 AND state = 'pending'`,
    [office, requester],
  );
  return rows[0] ?? { office: 0, requester: 0 };
}

/** The request `id` of `office`, or undefined (another office's requests are never found). */
export async function findKeyRequest(q: Queryable, office: string, id: string): Promise<KeyRequestRecord | undefined> {
  const { rows } = await q.query<KeyRequestRow>(`SELECT ${columns} FROM key_request WHERE id = $1 AND office = $2`, [
    id,
    office,
  ]);
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The same, row-locked until the transaction ends (two decisions at once: one wins, the other sees it decided). */
export async function lockKeyRequest(
  client: PoolClient,
  office: string,
  id: string,
): Promise<KeyRequestRecord | undefined> {
  const { rows } = await client.query<KeyRequestRow>(
    `SELECT ${columns} FROM key_request WHERE id = $1 AND office = $2 FOR UPDATE`,
    [id, office],
  );
  return rows[0] === undefined ? undefined : toRecord(rows[0]);
}

/** The requests of `office` (only `requester`'s when given, only those in `state` when given), oldest first. */
export async function listKeyRequests(
  q: Queryable,
  office: string,
  requester: string | undefined,
  state: KeyRequestState | undefined,
): Promise<KeyRequestRecord[]> {
  const { rows } = await q.query<KeyRequestRow>(
    `SELECT ${columns} FROM key_request
     WHERE office = $1 AND ($2::text IS NULL OR requester = $2) AND ($3::text IS NULL OR state = $3)
     ORDER BY created_at, id`,
    [office, requester ?? null, state ?? null],
  );
  return rows.map(toRecord);
}

/** Records the decision on a pending request and drops its key material (moved to signing_key, or destroyed). */
export async function decideKeyRequest(
  client: PoolClient,
  id: string,
  decision: { state: 'approved' | 'refused'; by: string; at: Date; reason: string | null },
): Promise<void> {
  await client.query(
    `UPDATE key_request SET state = $2, decided_by = $3, decided_at = $4, reason = $5, encrypted_pkcs8 = NULL
     WHERE id = $1 AND state = 'pending'`,
    [id, decision.state, decision.by, decision.at, decision.reason],
  );
}
