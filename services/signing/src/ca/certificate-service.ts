/**
 * The CA's public material as the routes serve it: the current CRL of the root or the
 * issuing CA (RFC 5280 §5), the CRL of one CA certificate (what the cRLDistributionPoints of
 * the certificates it issued name, public-urls.ts), and the certificates themselves. Public:
 * validators fetch them without a token. Private keys are never here.
 */
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { CaContext } from './ca-context.ts';
import { findCertificate, listCertificates } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import type { CrlRecord } from './crl-repository.ts';
import { currentCrl } from './crl-service.ts';

// The CAs of the hierarchy that sign CRLs; their keys are in the service.
const isCrlIssuer = (record: CertificateRecord): boolean => record.role === 'root' || record.role === 'issuing-ca';

/** The current CRL of the issuing CA or the root. */
export async function crlOfIssuer(ca: CaContext, issuer: 'issuing-ca' | 'root'): Promise<CrlRecord> {
  return currentCrl(ca, issuer === 'root' ? ca.hierarchy.root : ca.hierarchy.issuing);
}

/** The current CRL of the CA certificate `id` (the root or the issuing CA); 404 CERTIFICATE_NOT_FOUND for any other id. */
export async function crlOfCaCertificate(ca: CaContext, id: string): Promise<CrlRecord> {
  const record = await findCertificate(ca.pool, id.toLowerCase());
  if (record === undefined || !isCrlIssuer(record)) {
    throw new AppError(signingErrors.CERTIFICATE_NOT_FOUND, {
      detail: 'No CA certificate of this service (root or issuing CA) has that id.',
      extra: { certificateId: id },
    });
  }
  return currentCrl(ca, record);
}

/** Every certificate of this CA, oldest first. */
export async function listCaCertificates(ca: CaContext): Promise<CertificateRecord[]> {
  return listCertificates(ca.pool);
}

/** The certificate `id` of this CA; 404 CERTIFICATE_NOT_FOUND otherwise. */
export async function caCertificate(ca: CaContext, id: string): Promise<CertificateRecord> {
  const record = await findCertificate(ca.pool, id.toLowerCase());
  if (record === undefined) throw new AppError(signingErrors.CERTIFICATE_NOT_FOUND, { extra: { certificateId: id } });
  return record;
}
