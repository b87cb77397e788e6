/**
 * Revoking a seal or personal certificate of the caller's office (RFC 5280 §5.3.1 reason),
 * by a CA administrator of that office. The office's claim (a signing key of the office goes
 * with the certificate), the state and the revocation are read and written in one
 * transaction with the certificate's row locked, so two revocations at once give one
 * revocation and one 409, and a failure leaves the certificate as it was. The next CRL lists
 * it (issued at the next request), OCSP answers revoked at once, and its key signs no more.
 */
import { withTransaction } from '@lienthong/db';
import { CrlReason } from '@lienthong/pki';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { findCertificate, lockCertificate, revokeCertificate } from '../ca/certificate-repository.ts';
import type { CertificateRecord } from '../ca/certificate-repository.ts';
import { signingErrors } from '../errors.ts';
import { officeHoldsCertificate } from './key-repository.ts';

/** The reasons a CA administrator may give (RFC 5280 §5.3.1 CRLReason names). */
export const revocationReasons = [
  'unspecified',
  'keyCompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'privilegeWithdrawn',
] as const;

/** A reason a CA administrator may give. */
export type RevocationReason = (typeof revocationReasons)[number];

/**
 * Revokes the certificate `certificateId` of the caller's office; returns it revoked. 403 for
 * a caller who is not a ca-admin, 404 CERTIFICATE_NOT_FOUND for a certificate no key of the
 * office goes with, 409 CERTIFICATE_ALREADY_REVOKED.
 */
export async function revokeOfficeCertificate(
  ca: CaContext,
  principal: Principal,
  certificateId: string,
  reason: RevocationReason,
): Promise<CertificateRecord> {
  requireRoleOf(principal, roles.caAdmin);
  return withTransaction(ca.pool, async (client) => {
    const ours = await officeHoldsCertificate(client, principal.office, certificateId);
    const record = ours ? await lockCertificate(client, certificateId) : undefined;
    if (record === undefined) throw new AppError(signingErrors.CERTIFICATE_NOT_FOUND, { extra: { certificateId } });
    if (record.revokedAt !== null || !(await revokeCertificate(client, record.id, ca.clock.now(), CrlReason[reason]))) {
      throw new AppError(signingErrors.CERTIFICATE_ALREADY_REVOKED);
    }
    const revoked = await findCertificate(client, record.id);
    if (revoked === undefined) throw new Error(`signing: certificate ${record.id} vanished while it was revoked`);
    return revoked;
  });
}
