/**
 * What the trust services share: the pool, the KEK, the clock and the CA hierarchy.
 * Private keys are read and decrypted only at the moment they sign (`signerFor`), and
 * the decrypted KeyObject is not kept.
 */
import type { Pool } from '@lienthong/db';
import {
  decryptPrivateKey,
  keySigner,
  readCertificate,
  type Certificate,
  type Clock,
  type Signer,
} from '@lienthong/pki';
import type { TokenSession } from '../token/pkcs11-token.ts';
import type { CaHierarchy } from './ca-setup.ts';
import { findEncryptedKey } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import type { Queryable } from '../queryable.ts';

/** The dependencies of every trust service. */
export interface CaContext {
  pool: Pool;
  kek: string;
  clock: Clock;
  hierarchy: CaHierarchy;
  /** The PKCS#11 token holding seal keys, when the service has one. */
  token?: TokenSession;
  /** Trust anchors besides the local root (an external hierarchy), for verification. */
  externalAnchors: readonly Certificate[];
  /** The service's public base URL, written into the certificates it issues (public-urls.ts); absent: none. */
  publicUrl?: string;
  /** The parsed certificate of a record (parsed once). */
  certificateOf(record: CertificateRecord): Certificate;
}

/** What a context may have besides its core: a token, further trust anchors, a public URL. */
export interface CaContextOptions {
  token?: TokenSession;
  externalAnchors?: readonly Certificate[];
  publicUrl?: string;
}

/** Builds the context; certificates are parsed once and cached by id. */
export function createCaContext(
  pool: Pool,
  kek: string,
  clock: Clock,
  hierarchy: CaHierarchy,
  options: CaContextOptions = {},
): CaContext {
  const { token, externalAnchors = [], publicUrl } = options;
  const parsed = new Map<string, Certificate>();
  return {
    pool,
    kek,
    clock,
    hierarchy,
    externalAnchors,
    ...(token === undefined ? {} : { token }),
    ...(publicUrl === undefined ? {} : { publicUrl }),
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

/** A signer for the key of `record`, decrypted now with the KEK. Throws when the service holds no key for it. */
export async function signerFor(q: Queryable, kek: string, record: CertificateRecord): Promise<Signer> {
  const encrypted = await findEncryptedKey(q, record.id);
  if (encrypted === undefined) throw new Error(`signing: no private key for certificate ${record.id}`);
  return keySigner(decryptPrivateKey(encrypted, kek));
}
