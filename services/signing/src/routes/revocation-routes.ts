/**
 * `POST /v1/ca/certificates/{id}/revocation`: a CA administrator (role `ca-admin`) revokes
 * a seal or personal certificate of their own office (RFC 5280 §5.3.1 reason). The next CRL
 * lists it (issued at the next request) and OCSP answers revoked at once; the key that goes
 * with it can no longer sign.
 */
import { CrlReason } from '@lienthong/pki';
import { AppError, requireRole, roles, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { findCertificate, revokeCertificate } from '../ca/certificate-repository.ts';
import { signingErrors } from '../errors.ts';
import { officeHoldsCertificate } from '../keys/key-repository.ts';
import { CertificateSummary, problemResponse, toCertificateSummary, unauthenticated } from './schemas.ts';

const reasons = ['unspecified', 'keyCompromise', 'affiliationChanged', 'superseded', 'cessationOfOperation', 'privilegeWithdrawn'] as const;

/** Registers the revocation route. */
export async function revocationRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.post('/v1/ca/certificates/:id/revocation', {
    schema: {
      tags: ['certification authority'],
      summary: 'Revoke a seal or personal certificate of the caller\'s office',
      params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
      body: Type.Object({ reason: Type.Union(reasons.map((r) => Type.Literal(r)), { default: 'unspecified' }) }, { additionalProperties: false }),
      response: {
        200: CertificateSummary,
        400: problemResponse('VALIDATION_FAILED'),
        401: unauthenticated,
        403: problemResponse('FORBIDDEN: the caller is not a ca-admin'),
        404: problemResponse('CERTIFICATE_NOT_FOUND: no seal or personal certificate of the caller\'s office has this id'),
        409: problemResponse('CERTIFICATE_ALREADY_REVOKED'),
      },
    },
  }, async (request) => {
    const principal = requireRole(request, roles.caAdmin);
    const ours = await officeHoldsCertificate(ca.pool, principal.office, request.params.id);
    const record = ours ? await findCertificate(ca.pool, request.params.id) : undefined;
    if (record === undefined) throw new AppError(signingErrors.CERTIFICATE_NOT_FOUND, { extra: { certificateId: request.params.id } });
    if (!await revokeCertificate(ca.pool, record.id, ca.clock.now(), CrlReason[request.body.reason])) {
      throw new AppError(signingErrors.CERTIFICATE_ALREADY_REVOKED);
    }
    return toCertificateSummary((await findCertificate(ca.pool, record.id))!);
  });
}
