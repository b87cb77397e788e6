/**
 * The local certificate hierarchy for tests and small deployments, built in memory with
 * libs/pki: root CA → issuing CA → TSA (extKeyUsage id-kp-timeStamping, critical; RFC 3161
 * §2.3) and delegated OCSP responder (id-kp-OCSPSigning + id-pkix-ocsp-nocheck; RFC 6960
 * §4.2.2.2). Keys leave this module only encrypted with the KEK. With a public URL the
 * certificates below the root point to their issuer's CRL and certificate (public-urls.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  caProfile, encryptPrivateKey, formatName, generateKeyPair, issueCertificate, keySigner, ocspResponderProfile, tsaProfile,
} from '@lienthong/pki';
import type { Certificate, Clock, KeyPair } from '@lienthong/pki';
import type { CertificateRecord, CertificateRole } from './certificate-repository.ts';
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
export function certificateRecord(cert: Certificate, role: CertificateRole, issuerId: string | null, id: string = randomUUID()): CertificateRecord {
  return {
    id, role, subject: formatName(cert.subject), serialHex: cert.serialHex, notBefore: cert.notBefore, notAfter: cert.notAfter,
    der: cert.der, issuerId, revokedAt: null, revocationReason: null,
  };
}

/** How the hierarchy is named and where it is published. */
export interface HierarchyOptions {
  /** O of every subject (default "lienthong"). */
  organisation?: string;
  /** The service's public base URL (config `publicUrl`); without it no certificate carries CDP or AIA. */
  publicUrl?: string;
}

/**
 * Builds root (20 years, RSA 3072), issuing CA (10 years, RSA 3072, pathLen 0), TSA
 * (5 years, RSA 3072) and OCSP responder (1 year, RSA 2048) certificates. With a public
 * URL the issuing CA points to the root's CRL and certificate, the TSA and OCSP responder
 * to the issuing CA's; none of them to the OCSP responder (public-urls.ts).
 */
export async function buildLocalHierarchy(kek: string, clock: Clock, options: HierarchyOptions = {}): Promise<NewCertificate[]> {
  const { organisation = 'lienthong', publicUrl } = options;
  const now = clock.now();
  const notBefore = new Date(now.getTime() - 60_000);
  const [rootKeys, issuingKeys, tsaKeys, ocspKeys] = await Promise.all([
    generateKeyPair({ type: 'rsa', modulusLength: 3072 }),
    generateKeyPair({ type: 'rsa', modulusLength: 3072 }),
    generateKeyPair({ type: 'rsa', modulusLength: 3072 }),
    generateKeyPair({ type: 'rsa', modulusLength: 2048 }),
  ]);
  const name = (cn: string) => [{ type: 'C', value: 'VN' }, { type: 'O', value: organisation }, { type: 'CN', value: cn }];
  const validity = (days: number) => ({ notBefore, notAfter: new Date(notBefore.getTime() + days * day) });

  // The ids are known before issuing: the certificates below name their issuer's URLs.
  const rootId = randomUUID();
  const issuingId = randomUUID();
  const root = await issueCertificate(
    caProfile({ subject: name('lienthong Local Root CA'), publicKey: rootKeys.publicKey, ...validity(20 * 365) }),
    { signer: keySigner(rootKeys.privateKey) });
  const issuing = await issueCertificate(
    caProfile({ subject: name('lienthong Issuing CA'), publicKey: issuingKeys.publicKey, pathLenConstraint: 0, ...validity(10 * 365), ...pointersFor(publicUrl, rootId, { ocsp: false }) }),
    { certificate: root, signer: keySigner(rootKeys.privateKey) });
  const tsa = await issueCertificate(
    tsaProfile({ subject: name('lienthong Time-Stamping Authority'), publicKey: tsaKeys.publicKey, ...validity(5 * 365), ...pointersFor(publicUrl, issuingId, { ocsp: false }) }),
    { certificate: issuing, signer: keySigner(issuingKeys.privateKey) });
  const ocsp = await issueCertificate(
    ocspResponderProfile({ subject: name('lienthong OCSP Responder'), publicKey: ocspKeys.publicKey, ...validity(365), ...pointersFor(publicUrl, issuingId, { ocsp: false }) }),
    { certificate: issuing, signer: keySigner(issuingKeys.privateKey) });

  const rootRecord = certificateRecord(root, 'root', null, rootId);
  const issuingRecord = certificateRecord(issuing, 'issuing-ca', rootRecord.id, issuingId);
  const sealed = (record: CertificateRecord, keys: KeyPair): NewCertificate => ({ record, encryptedKey: encryptPrivateKey(keys.privateKey, kek) });
  return [
    sealed(rootRecord, rootKeys),
    sealed(issuingRecord, issuingKeys),
    sealed(certificateRecord(tsa, 'tsa', issuingRecord.id), tsaKeys),
    sealed(certificateRecord(ocsp, 'ocsp', issuingRecord.id), ocspKeys),
  ];
}
