import { formatName, type Certificate } from '@lienthong/pki';

/** One line: subject, serial and validity period. */
export function describeCertificate(c: Certificate): string {
  return `${formatName(c.subject)} (serial ${c.serialHex}, valid ${c.notBefore.toISOString()} to ${c.notAfter.toISOString()})`;
}

/** True when the value looks like a parsed certificate of @lienthong/pki. */
export function isCertificate(value: unknown): value is Certificate {
  return typeof value === 'object' && value !== null && 'tbs' in value && 'subject' in value && 'serialHex' in value;
}
