/**
 * Where a certificate of the local CA says its revocation data and its issuer are, when
 * the service knows its public URL (`LIENTHONG_SIGNING_PUBLIC_URL`): rules without I/O.
 *
 * - cRLDistributionPoints (RFC 5280 §4.2.1.13) → `{base}/v1/ca/certificates/{issuer id}/crl`,
 *   the current CRL of exactly the CA that issued the certificate (not "the issuing CA of
 *   the day", which a replaced CA would change under the certificates it issued).
 * - authorityInfoAccess (RFC 5280 §4.2.2.1) caIssuers → `{base}/v1/ca/certificates/{issuer id}`,
 *   which answers DER (application/pkix-cert) unless PEM is asked for.
 * - authorityInfoAccess OCSP → `{base}/v1/ocsp` (RFC 6960; POST, and GET per Appendix A),
 *   only on end-entity certificates whose status the responder gives: seals and personal
 *   certificates. Not on the OCSP responder's own certificate (id-pkix-ocsp-nocheck, RFC 6960
 *   §4.2.2.2.1), the TSA's, the issuing CA's, nor on the self-signed root (no extension at all).
 */
import type { ProfileCommon } from '@lienthong/pki';

/** The profile fields that carry the pointers (libs/pki certificate profiles). */
export type CertificatePointers = Pick<ProfileCommon, 'crlUris' | 'ocspUris' | 'caIssuersUris'>;

/** The URL of the current CRL of the CA certificate `caId` (the route in routes/ca-routes.ts). */
export function crlUrl(base: string, caId: string): string {
  return `${base}/v1/ca/certificates/${caId}/crl`;
}

/** The URL that downloads the certificate `id` in DER. */
export function certificateUrl(base: string, id: string): string {
  return `${base}/v1/ca/certificates/${id}`;
}

/** The OCSP responder's URL. */
export function ocspUrl(base: string): string {
  return `${base}/v1/ocsp`;
}

/**
 * The pointers for a certificate issued by the CA certificate `issuerId`: none without a
 * public URL (certificates stay as they were before the variable existed); the CRL and the
 * issuer always with one; the OCSP responder only when `ocsp` is true.
 */
export function pointersFor(
  base: string | undefined,
  issuerId: string,
  options: { ocsp: boolean },
): CertificatePointers {
  if (base === undefined) return {};
  return {
    crlUris: [crlUrl(base, issuerId)],
    caIssuersUris: [certificateUrl(base, issuerId)],
    ...(options.ocsp ? { ocspUris: [ocspUrl(base)] } : {}),
  };
}
