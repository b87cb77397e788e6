/**
 * What the trust services share: the pool, the KEK, the clock and the CA hierarchy.
 * A CA key (issuing CA, TSA, OCSP responder) is read and decrypted the first time it signs
 * (`signerFor`) and then held for the life of the process: at 600,000 PBKDF2 iterations a
 * decryption per OCSP answer or time-stamp would cost a tenth of a second or more, and the
 * process that holds the KEK could decrypt them all anyway, so holding them exposes nothing
 * more. The root's key is never held: it is decrypted only for what needs it (its CRL, see
 * crl-service.ts), and forgotten.
 */
import type { Pool } from '@lienthong/db';
import type { KeyObject } from 'node:crypto';
import { keySigner, readCertificate, type Certificate, type Clock, type Signer } from '@lienthong/pki';
import type { TokenSession } from '../token/pkcs11-token.ts';
import type { CaHierarchy } from './ca-setup.ts';
import { findEncryptedKey } from './certificate-repository.ts';
import { defaultRootCrlValidityMs } from './crl-policy.ts';
import { decryptWithKek } from './key-encryption.ts';
import type { KeyEncryptionKey } from './key-encryption.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import type { Queryable } from '../queryable.ts';

/** The dependencies of every trust service. */
export interface CaContext {
  pool: Pool;
  /** The KEK derived at start (key-encryption.ts); never logged. */
  kek: KeyEncryptionKey;
  clock: Clock;
  hierarchy: CaHierarchy;
  /** The PKCS#11 token holding seal keys, when the service has one. */
  token?: TokenSession;
  /** Trust anchors besides the local root (an external hierarchy), for verification. */
  externalAnchors: readonly Certificate[];
  /** The service's public base URL, written into the certificates it issues (public-urls.ts); absent: none. */
  publicUrl?: string;
  /** nextUpdate − thisUpdate of the root's pre-issued CRLs (crl-service.ts). */
  rootCrlValidityMs: number;
  /** The parsed certificate of a record (parsed once). */
  certificateOf(record: CertificateRecord): Certificate;
  /** Keys held decrypted once used (CA keys by certificate id, seal keys by key id); never the root's. */
  readonly heldKeys: Map<string, KeyObject>;
  /** Told of each answer of the TSA (`lienthong_tsa_tokens_total`); absent: not counted. */
  countTimeStamp?: (result: 'ok' | 'refused' | 'error') => void;
}

/** What a context may have besides its core: a token, further trust anchors, a public URL. */
export interface CaContextOptions {
  token?: TokenSession;
  externalAnchors?: readonly Certificate[];
  publicUrl?: string;
  /** Default crl-policy.ts `defaultRootCrlValidityMs` (a year). */
  rootCrlValidityMs?: number;
  countTimeStamp?: (result: 'ok' | 'refused' | 'error') => void;
}

/** Builds the context; certificates are parsed once and cached by id. */
export function createCaContext(
  pool: Pool,
  kek: KeyEncryptionKey,
  clock: Clock,
  hierarchy: CaHierarchy,
  options: CaContextOptions = {},
): CaContext {
  const {
    token,
    externalAnchors = [],
    publicUrl,
    rootCrlValidityMs = defaultRootCrlValidityMs,
    countTimeStamp,
  } = options;
  const parsed = new Map<string, Certificate>();
  return {
    pool,
    kek,
    clock,
    hierarchy,
    externalAnchors,
    rootCrlValidityMs,
    heldKeys: new Map(),
    ...(token === undefined ? {} : { token }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
    ...(countTimeStamp === undefined ? {} : { countTimeStamp }),
    certificateOf(record) {
      let cert = parsed.get(record.id);
      if (cert === undefined) {
        cert = readCertificate(record.der);
        parsed.set(record.id, cert);
      }
      return cert;
    },
  };
}

/** A thrown when the service holds no key for a certificate (the root's may be kept offline). */
export class MissingCaKeyError extends Error {
  readonly certificateId: string;
  constructor(record: CertificateRecord) {
    super(`signing: no private key for the ${record.role} certificate ${record.id}`);
    this.certificateId = record.id;
  }
}

/**
 * A signer for the key of `record`: held since its first use, or read and decrypted now with
 * the KEK (and held, unless it is the root's). Throws MissingCaKeyError when there is no key.
 */
export async function signerFor(
  q: Queryable,
  ca: Pick<CaContext, 'kek' | 'heldKeys'>,
  record: CertificateRecord,
): Promise<Signer> {
  const held = ca.heldKeys.get(record.id);
  if (held !== undefined) return keySigner(held);
  const encrypted = await findEncryptedKey(q, record.id);
  if (encrypted === undefined) throw new MissingCaKeyError(record);
  const key = decryptWithKek(encrypted, ca.kek);
  if (record.role !== 'root') ca.heldKeys.set(record.id, key);
  return keySigner(key);
}
