/** When the CA issues a new CRL (RFC 5280 §5.1.2.4–5): the rules, without I/O. */

/** nextUpdate − thisUpdate of every CRL the issuing CA issues. */
export const crlValidityMs = 7 * 86_400_000;

/** nextUpdate − thisUpdate of the root's CRLs unless configured (`LIENTHONG_SIGNING_ROOT_CRL_DAYS`): a year. */
export const defaultRootCrlValidityMs = 365 * 86_400_000;

/**
 * The root's CRL is pre-issued for a long period so that serving never needs the root key:
 * a new one is due only when there is none, when the number of certificates the root revoked
 * changed (the issuing CA's), when the current one was issued for a shorter period than
 * `validityMs` (a CRL of an earlier release, issued for a week), or when less than a quarter of
 * its period is left — for a year, about three months before it runs out.
 */
export function isRootCrlDue(
  crl: { thisUpdate: Date; nextUpdate: Date; revokedCount: number } | undefined,
  revokedCount: number,
  now: Date,
  validityMs: number,
): boolean {
  if (crl === undefined) return true;
  if (crl.revokedCount !== revokedCount) return true;
  const period = crl.nextUpdate.getTime() - crl.thisUpdate.getTime();
  if (period < validityMs) return true;
  return crl.nextUpdate.getTime() - now.getTime() < period / 4;
}

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
