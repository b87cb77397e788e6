/**
 * `POST /v1/ca/certificates/{id}/revocation`: a CA administrator (role `ca-admin`) revokes
 * a seal or personal certificate of their own office (RFC 5280 §5.3.1 reason). The next CRL
 * lists it (issued at the next request) and OCSP answers revoked at once; the key that goes
 * with it can no longer sign.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { revocationReasons, revokeOfficeCertificate } from '../keys/certificate-revocation.ts';
import { CertificateSummary, problemResponse, toCertificateSummary, unauthenticated } from './schemas.ts';

/** Registers the revocation route. */
export async function revocationRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.post(
    '/v1/ca/certificates/:id/revocation',
    {
      schema: {
        tags: ['certification authority'],
        summary: "Revoke a seal or personal certificate of the caller's office",
        params: Type.Object({ id: Type.String({ format: 'uuid' }) }),
        body: Type.Object(
          {
            reason: Type.Union(
              revocationReasons.map((r) => Type.Literal(r)),
              { default: 'unspecified' },
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: CertificateSummary,
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: the caller is not a ca-admin'),
          404: problemResponse(
            "CERTIFICATE_NOT_FOUND: no seal or personal certificate of the caller's office has this id",
          ),
          409: problemResponse('CERTIFICATE_ALREADY_REVOKED'),
        },
      },
    },
    async (request) => {
      const revoked = await revokeOfficeCertificate(ca, principalOf(request), request.params.id, request.body.reason);
      return toCertificateSummary(revoked);
    },
  );
}
