/**
 * The CA's public material as the routes serve it: the current CRL of the root or the
 * issuing CA (RFC 5280 §5), the CRL of one CA certificate (what the cRLDistributionPoints of
 * the certificates it issued name, public-urls.ts), and the certificates themselves. Public:
 * validators fetch them without a token; only the list of personal certificates is kept to
 * their office, since it names every signer and title. Private keys are never here.
 */
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { CaContext } from './ca-context.ts';
import { findCertificate, listVisibleCertificates } from './certificate-repository.ts';
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

/** One page of the certificate list and where the next starts (null on the last page). */
export interface CertificatePage {
  certificates: CertificateRecord[];
  nextOffset: number | null;
}

/**
 * The certificates `office` may list, oldest first, a page at a time: anyone sees the CA,
 * TSA, OCSP and seal certificates; a caller acting for an office also that office's
 * personal certificates (names and titles of its signers), never another office's.
 */
export async function listCaCertificates(
  ca: CaContext,
  office: string | undefined,
  page: { limit: number; offset: number },
): Promise<CertificatePage> {
  const rows = await listVisibleCertificates(ca.pool, { office, ...page });
  const more = rows.length > page.limit;
  return { certificates: rows.slice(0, page.limit), nextOffset: more ? page.offset + page.limit : null };
}

/** The certificate `id` of this CA; 404 CERTIFICATE_NOT_FOUND otherwise. */
export async function caCertificate(ca: CaContext, id: string): Promise<CertificateRecord> {
  const record = await findCertificate(ca.pool, id.toLowerCase());
  if (record === undefined) throw new AppError(signingErrors.CERTIFICATE_NOT_FOUND, { extra: { certificateId: id } });
  return record;
}
