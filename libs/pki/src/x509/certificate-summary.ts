import { type Certificate } from './certificate.ts';
import { officeCodeOf } from './certificate-profiles.ts';
import { formatName } from './name.ts';

/** A certificate as JSON reports show it (RFC 5280 §4.1.2): never key material. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  /** The serial number, hex. */
  readonly serialNumber: string;
  /** SHA-256 of the certificate DER, hex. */
  readonly sha256: string;
  readonly notBefore: string;
  readonly notAfter: string;
  /**
   * The lienthong office the certificate names (its organizationIdentifier `LT:VN-<code>`,
   * see `officeIdentifier`), absent when it names none. Worth what the issuer is worth: a
   * verification report vouches for it only when the signature passed.
   */
  readonly office?: string;
}

/** The summary of a certificate for reports and JSON: names as RFC 4514 strings, times in ISO 8601. */
export function summariseCertificate(cert: Certificate): CertificateSummary {
  const office = officeCodeOf(cert.subject);
  return {
    subject: formatName(cert.subject),
    issuer: formatName(cert.issuer),
    serialNumber: cert.serialHex,
    sha256: cert.fingerprint,
    notBefore: cert.notBefore.toISOString(),
    notAfter: cert.notAfter.toISOString(),
    ...(office === undefined ? {} : { office }),
  };
}
