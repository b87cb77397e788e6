/**
 * `POST /v1/ca/seals`: issue an office seal certificate whose key the service generates
 * and keeps as a signing key of the caller's office. For the CA's administrators
 * (role `ca-admin`) of that office. The body says nothing about whose seal it is: the
 * certificate names the caller's registered office (fields such as organisation are refused).
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { issueSeal } from '../keys/seal-enrolment.ts';
import { CertificateSummary, problemResponse, toCertificateSummary } from './schemas.ts';

/** Registers the seal route. */
export async function sealRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  app.post(
    '/v1/ca/seals',
    {
      schema: {
        tags: ['certification authority'],
        summary: "Issue a seal certificate of the caller's registered office (key kept by the service)",
        description:
          "The subject is the caller's office as LIENTHONG_SIGNING_OFFICES_FILE registers it: C=VN, L, O (legal name), organizationIdentifier LT:VN-<office code>, CN (unit). Nothing in the body names it.",
        body: Type.Object(
          {
            validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 1825, default: 730 })),
            storage: Type.Optional(
              Type.Union([Type.Literal('server'), Type.Literal('pkcs11')], {
                description:
                  'server (default): encrypted with the KEK; pkcs11: generated in the configured token, never leaves it',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            ...CertificateSummary.properties,
            keyId: Type.String({ format: 'uuid', description: "the seal's signing key (used by the registry)" }),
          }),
          400: problemResponse('VALIDATION_FAILED'),
          401: problemResponse('UNAUTHENTICATED'),
          403: problemResponse('FORBIDDEN: the caller is not a ca-admin'),
          409: problemResponse(
            "OFFICE_NOT_REGISTERED: the caller's office is not registered; SIGNING_TOKEN_NOT_CONFIGURED: storage pkcs11 without a token",
          ),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/json'),
        },
      },
    },
    async (request, reply) => {
      const { record, keyId } = await issueSeal(options.ca, principalOf(request), request.body);
      return reply
        .code(201)
        .header('location', `/v1/ca/certificates/${record.id}`)
        .send({ ...toCertificateSummary(record), keyId });
    },
  );
}
