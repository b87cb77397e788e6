import { formatName, type Certificate } from '@lienthong/pki';

/** What the CLI shows of a certificate (RFC 5280 §4.1.2): never key material. */
export interface CertificateSummary {
  readonly subject: string;
  readonly issuer: string;
  readonly serial: string;
  readonly notBefore: string;
  readonly notAfter: string;
  readonly sha256: string;
}

/** The summary of a certificate for reports and JSON. */
export function summariseCertificate(c: Certificate): CertificateSummary {
  return {
    subject: formatName(c.subject),
    issuer: formatName(c.issuer),
    serial: c.serialHex,
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    sha256: c.fingerprint,
  };
}

/** One line: subject, serial and validity period. */
export function describeCertificate(c: Certificate): string {
  return `${formatName(c.subject)} (serial ${c.serialHex}, valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;
}

/** True when the value looks like a parsed certificate of @lienthong/pki. */
export function isCertificate(value: unknown): value is Certificate {
  return typeof value === 'object' && value !== null && 'tbs' in value && 'subject' in value && 'serialHex' in value;
}
