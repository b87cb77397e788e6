import { RECOGNISED_CERTIFICATE_EXTENSIONS } from '../x509/certificate.ts';
import { formatName } from '../x509/name.ts';
import { checkConformance } from './conformance.ts';
import { PathError } from './context.ts';
import type { TrustAnchor } from './types.ts';

/** Index of the trust anchor's certificate in a PathError: one above the certificate it issued. */
export const ANCHOR_INDEX = -1;

/**
 * The strict policy's checks of the trust anchor's own certificate, which
 * RFC 5280 §6.2 leaves to the relying party and OpenSSL makes: it must be
 * valid at `time`, carry no unrecognised critical extension and meet the
 * conforming-CA requirements of §4 (see checkConformance). Its
 * nameConstraints are then applied to the path as well. An anchor given as
 * name and key only has nothing to check.
 */
export function checkTrustAnchor(anchor: TrustAnchor, time: Date): void {
  const cert = anchor.certificate;
  if (cert === undefined) return;
  const name = formatName(cert.subject);
  if (time < cert.notBefore)
    throw new PathError('NOT_YET_VALID', `The trust anchor certificate (${name}) is not yet valid.`, ANCHOR_INDEX);
  if (time > cert.notAfter)
    throw new PathError('EXPIRED', `The trust anchor certificate (${name}) has expired.`, ANCHOR_INDEX);
  const unknown = cert.extensions.find((e) => e.critical && !RECOGNISED_CERTIFICATE_EXTENSIONS.has(e.oid));
  if (unknown !== undefined)
    throw new PathError(
      'UNKNOWN_CRITICAL_EXTENSION',
      `The trust anchor certificate (${name}) has the unrecognised critical extension ${unknown.oid}.`,
      ANCHOR_INDEX,
    );
  const problem = checkConformance(cert, 'anchor');
  if (problem !== undefined)
    throw new PathError(problem.reason, `Trust anchor certificate: ${problem.message}.`, ANCHOR_INDEX);
}
