/** When the CA issues a new CRL (RFC 5280 §5.1.2.4–5): the rules, without I/O. */

/** nextUpdate − thisUpdate of every CRL this CA issues. */
export const crlValidityMs = 7 * 86_400_000;

/**
 * A CRL must be re-issued when there is none, when the number of revoked certificates
 * changed since it was issued, or when more than half its validity has passed.
 */
export function isCrlStale(
  crl: { thisUpdate: Date; nextUpdate: Date; revokedCount: number } | undefined,
  revokedCount: number,
  now: Date,
): boolean {
  if (crl === undefined) return true;
  if (crl.revokedCount !== revokedCount) return true;
  const half = (crl.nextUpdate.getTime() - crl.thisUpdate.getTime()) / 2;
  return now.getTime() - crl.thisUpdate.getTime() > half;
}
