/**
 * The local certificate hierarchy for tests and small deployments, built in memory with
 * libs/pki: root CA → issuing CA → TSA (extKeyUsage id-kp-timeStamping, critical; RFC 3161
 * §2.3) and delegated OCSP responder (id-kp-OCSPSigning + id-pkix-ocsp-nocheck; RFC 6960
 * §4.2.2.2). Keys leave this module only encrypted with the KEK. With a public URL the
 * certificates below the root point to their issuer's CRL and certificate (public-urls.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  caProfile,
  formatName,
  generateKeyPair,
  issueCertificate,
  keySigner,
  ocspResponderProfile,
  tsaProfile,
  type Certificate,
  type Clock,
  type KeyPair,
  type Signer,
} from '@lienthong/pki';
import type { CertificateRecord, CertificateRole } from './certificate-repository.ts';
import { encryptWithKek } from './key-encryption.ts';
import type { KeyEncryptionKey } from './key-encryption.ts';
import { pointersFor } from './public-urls.ts';

/**
 * The TSA policy of the local hierarchy (RFC 3161 §2.4.2): a UUID OID (ITU-T X.667,
 * 2.25.<UUID as an integer>), unique without registration. A deployment that publishes a
 * TSA policy under its own registered arc uses that instead.
 */
export const localTsaPolicy = '2.25.297422521957711654213599548404999760074';

/** A certificate ready to store, with its encrypted key. */
export interface NewCertificate {
  record: CertificateRecord;
  encryptedKey: Uint8Array;
}

const day = 86_400_000;

/** The record of `cert` for the certificates table. */
export function certificateRecord(
  cert: Certificate,
  role: CertificateRole,
  issuerId: string | null,
  id: string = randomUUID(),
): CertificateRecord {
  return {
    id,
    role,
    subject: formatName(cert.subject),
    serialHex: cert.serialHex,
    notBefore: cert.notBefore,
    notAfter: cert.notAfter,
    der: cert.der,
    issuerId,
    revokedAt: null,
    revocationReason: null,
  };
}

/** How the hierarchy is named and where it is published. */
export interface HierarchyOptions {
  /** O of every subject (default "lienthong"). */
  organisation?: string;
  /** The service's public base URL (config `publicUrl`); without it no certificate carries CDP or AIA. */
  publicUrl?: string;
}

/** The roles whose certificates the service renews by itself (ca/trust-service-renewal.ts). */
export type TrustServiceRole = 'tsa' | 'ocsp';

/** Lifetime and key of each trust service's certificate. */
const trustServiceTerms: Record<TrustServiceRole, { days: number; modulusLength: 2048 | 3072; cn: string }> = {
  tsa: { days: 5 * 365, modulusLength: 3072, cn: 'lienthong Time-Stamping Authority' },
  ocsp: { days: 365, modulusLength: 2048, cn: 'lienthong OCSP Responder' },
};

const subjectName = (organisation: string, cn: string) => [
  { type: 'C', value: 'VN' },
  { type: 'O', value: organisation },
  { type: 'CN', value: cn },
];

/**
 * Issues a new key and certificate for the TSA or the OCSP responder under the issuing CA
 * (`issuerId` names it for the public URLs), from `notBefore` for the role's lifetime, never
 * past the issuing CA's own notAfter (RFC 5280 §6.1.3: a certificate outliving its issuer
 * does not validate after it).
 */
export async function issueTrustServiceCertificate(
  role: TrustServiceRole,
  issuer: { certificate: Certificate; signer: Signer; id: string },
  options: { organisation: string; notBefore: Date; publicUrl?: string | undefined },
): Promise<{ certificate: Certificate; keys: KeyPair }> {
  const terms = trustServiceTerms[role];
  const keys = await generateKeyPair({ type: 'rsa', modulusLength: terms.modulusLength });
  const wanted = new Date(options.notBefore.getTime() + terms.days * day);
  const notAfter = wanted > issuer.certificate.notAfter ? issuer.certificate.notAfter : wanted;
  const profile = role === 'tsa' ? tsaProfile : ocspResponderProfile;
  const certificate = await issueCertificate(
    profile({
      subject: subjectName(options.organisation, terms.cn),
      publicKey: keys.publicKey,
      notBefore: options.notBefore,
      notAfter,
      ...pointersFor(options.publicUrl, issuer.id, { ocsp: false }),
    }),
    { certificate: issuer.certificate, signer: issuer.signer },
  );
  return { certificate, keys };
}

/**
 * Builds root (20 years, RSA 3072), issuing CA (10 years, RSA 3072, pathLen 0), TSA
 * (5 years, RSA 3072) and OCSP responder (1 year, RSA 2048) certificates. With a public
 * URL the issuing CA points to the root's CRL and certificate, the TSA and OCSP responder
 * to the issuing CA's; none of them to the OCSP responder (public-urls.ts).
 */
export async function buildLocalHierarchy(
  kek: KeyEncryptionKey,
  clock: Clock,
  options: HierarchyOptions = {},
): Promise<NewCertificate[]> {
  const { organisation = 'lienthong', publicUrl } = options;
  const now = clock.now();
  const notBefore = new Date(now.getTime() - 60_000);
  const [rootKeys, issuingKeys] = await Promise.all([
    generateKeyPair({ type: 'rsa', modulusLength: 3072 }),
    generateKeyPair({ type: 'rsa', modulusLength: 3072 }),
  ]);
  const validity = (days: number) => ({ notBefore, notAfter: new Date(notBefore.getTime() + days * day) });

  // The ids are known before issuing: the certificates below name their issuer's URLs.
  const rootId = randomUUID();
  const issuingId = randomUUID();
  const root = await issueCertificate(
    caProfile({
      subject: subjectName(organisation, 'lienthong Local Root CA'),
      publicKey: rootKeys.publicKey,
      ...validity(20 * 365),
    }),
    { signer: keySigner(rootKeys.privateKey) },
  );
  const issuing = await issueCertificate(
    caProfile({
      subject: subjectName(organisation, 'lienthong Issuing CA'),
      publicKey: issuingKeys.publicKey,
      pathLenConstraint: 0,
      ...validity(10 * 365),
      ...pointersFor(publicUrl, rootId, { ocsp: false }),
    }),
    { certificate: root, signer: keySigner(rootKeys.privateKey) },
  );
  const issuer = { certificate: issuing, signer: keySigner(issuingKeys.privateKey), id: issuingId };
  const [tsa, ocsp] = await Promise.all([
    issueTrustServiceCertificate('tsa', issuer, { organisation, notBefore, publicUrl }),
    issueTrustServiceCertificate('ocsp', issuer, { organisation, notBefore, publicUrl }),
  ]);

  const rootRecord = certificateRecord(root, 'root', null, rootId);
  const issuingRecord = certificateRecord(issuing, 'issuing-ca', rootRecord.id, issuingId);
  const sealed = (record: CertificateRecord, keys: KeyPair): NewCertificate => ({
    record,
    encryptedKey: encryptWithKek(keys.privateKey, kek),
  });
  return [
    sealed(rootRecord, rootKeys),
    sealed(issuingRecord, issuingKeys),
    sealed(certificateRecord(tsa.certificate, 'tsa', issuingRecord.id), tsa.keys),
    sealed(certificateRecord(ocsp.certificate, 'ocsp', issuingRecord.id), ocsp.keys),
  ];
}
