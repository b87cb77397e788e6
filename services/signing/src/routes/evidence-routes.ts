/**
 * `POST /v1/evidence/signatures`: the delivery service's statements sealed by the acting
 * office (signing/evidence-sealing.ts). The route checks its own tokens, before the body is
 * read: delivery's, verified against `LIENTHONG_SIGNING_EVIDENCE_JWKS` (issuer
 * `lienthong-delivery`), never those of `LIENTHONG_AUTH_JWKS`; those keys are not in the
 * service's set, so the other routes refuse delivery's tokens. Without the key set the route
 * answers 503 EVIDENCE_SEALING_NOT_CONFIGURED.
 */
import { AppError, bearerTokenAuthenticator, principalOf, Type } from '@lienthong/service';
import type { AuthKeySet, RouteAuthenticate, ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { evidenceAuthConfig, maxStatementsPerRequest, sealEvidence } from '../signing/evidence-sealing.ts';
import { Base64, problemResponse } from './schemas.ts';

/** Largest body accepted, bytes: 500 statements of at most 8 KiB, in base64, fit. */
export const evidenceBodyLimit = 8 * 1024 * 1024;

/** What the evidence routes need: the CA, and delivery's token keys with this service's audience. */
export interface EvidenceRouteOptions {
  ca: CaContext;
  /** `LIENTHONG_SIGNING_EVIDENCE_JWKS`; absent: 503. */
  keys: AuthKeySet | undefined;
  /** This service's audience (`LIENTHONG_AUTH_AUDIENCE`, default `lienthong-signing`). */
  audience: string;
}

function evidenceAuthenticator(keys: AuthKeySet | undefined, audience: string): RouteAuthenticate {
  if (keys === undefined)
    return () => {
      throw new AppError(signingErrors.EVIDENCE_SEALING_NOT_CONFIGURED);
    };
  return bearerTokenAuthenticator(evidenceAuthConfig(keys, audience));
}

/** Registers `POST /v1/evidence/signatures`. */
export async function evidenceRoutes(app: ServiceApp, options: EvidenceRouteOptions): Promise<void> {
  const { ca } = options;
  app.post(
    '/v1/evidence/signatures',
    {
      bodyLimit: evidenceBodyLimit,
      config: { authenticate: evidenceAuthenticator(options.keys, options.audience) },
      schema: {
        tags: ['delivery evidence'],
        summary: "Seal delivery evidence statements with the acting office's seal (the delivery service only)",
        description:
          "The token is the delivery service's own (issuer lienthong-delivery, a key of LIENTHONG_SIGNING_EVIDENCE_JWKS, role evidence-sealer, office = the acting office); the access tokens of LIENTHONG_AUTH_JWKS are refused here. Each statement (the canonical bytes of libs/evidence encodeStatement) comes back as a CAdES B-B SignedData of the office's newest usable seal with the statement as its eContent, in the same order. All or nothing.",
        body: Type.Object(
          {
            statements: Type.Array(Base64('the canonical bytes of one statement (at most 8 KiB)'), {
              minItems: 1,
              maxItems: maxStatementsPerRequest,
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            evidence: Type.Array(
              Type.String({
                contentEncoding: 'base64',
                description: 'CMS SignedData, DER, with the statement attached; one per statement, in order',
              }),
            ),
          }),
          400: problemResponse(
            'VALIDATION_FAILED (shape, 0 or more than 500 statements, not base64) or EVIDENCE_STATEMENT_INVALID (index, evidenceError)',
          ),
          401: problemResponse(
            'UNAUTHENTICATED, TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT: no token, or not a valid evidence token of the delivery service (an ordinary access token is refused)',
          ),
          403: problemResponse('FORBIDDEN (no evidence-sealer role) or EVIDENCE_OFFICE_MISMATCH (index)'),
          409: problemResponse('OFFICE_NOT_REGISTERED or OFFICE_HAS_NO_SEAL'),
          413: problemResponse('PAYLOAD_TOO_LARGE: over 8 MiB'),
          503: problemResponse('EVIDENCE_SEALING_NOT_CONFIGURED: no LIENTHONG_SIGNING_EVIDENCE_JWKS'),
        },
      },
    },
    async (request, reply) => {
      const evidence = await sealEvidence(
        ca,
        principalOf(request),
        request.body.statements.map((s) => new Uint8Array(Buffer.from(s, 'base64'))),
      );
      return reply.code(201).send({ evidence: evidence.map((cms) => Buffer.from(cms).toString('base64')) });
    },
  );
}
