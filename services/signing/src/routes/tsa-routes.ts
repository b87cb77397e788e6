/**
 * `POST /v1/tsa`: the RFC 3161 time-stamping authority over HTTP (RFC 3161 §3.4), for callers
 * with an access token, for the delivery service with its evidence token (the one it
 * seals evidence with), which time-stamps its batches of evidence here, and for the archive
 * with its own token (signing/archive-tokens.ts), which will re-time-stamp records here.
 */
import { bearerTokenAuthenticator } from '@lienthong/service';
import type { AuthConfig, AuthKeySet, RouteAuthenticate, ServiceApp } from '@lienthong/service';
import { archiveAuthenticator } from '../signing/archive-tokens.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { answerTimeStampRequest } from '../ca/tsa-service.ts';
import { evidenceAuthConfig } from '../signing/evidence-sealing.ts';
import { acceptDerBody, derBodyOf, passThroughValidator } from './binary-body.ts';
import { eitherToken } from './either-token.ts';
import { binaryContent, problemResponse, unauthenticated } from './schemas.ts';

/** Largest TimeStampReq accepted, bytes (a request is a digest, a nonce and a few OIDs). */
export const tsaBodyLimit = 64 * 1024;

/** What the TSA route needs: the CA, the service's token issuer, and delivery's evidence keys. */
export interface TsaRouteOptions {
  ca: CaContext;
  auth: AuthConfig | undefined;
  /** `LIENTHONG_SIGNING_EVIDENCE_JWKS`, when set. */
  evidenceKeys: AuthKeySet | undefined;
  /** `LIENTHONG_SIGNING_ARCHIVE_JWKS`, when set. */
  archiveKeys?: AuthKeySet | undefined;
  audience: string;
}

/**
 * An access token of the service's issuer, or else delivery's evidence token, or else the
 * archive's token; the access token's refusal is the answer when none is good.
 */
function tsaAuthenticator(options: TsaRouteOptions): RouteAuthenticate {
  return eitherToken(bearerTokenAuthenticator(options.auth), [
    ...(options.evidenceKeys === undefined
      ? []
      : [bearerTokenAuthenticator(evidenceAuthConfig(options.evidenceKeys, options.audience))]),
    ...(options.archiveKeys === undefined ? [] : [archiveAuthenticator(options.archiveKeys, options.audience)]),
  ]);
}

/** Registers the TSA route. */
export async function tsaRoutes(app: ServiceApp, options: TsaRouteOptions): Promise<void> {
  acceptDerBody(app, 'application/timestamp-query', tsaBodyLimit);
  app.post(
    '/v1/tsa',
    {
      bodyLimit: tsaBodyLimit,
      config: { authenticate: tsaAuthenticator(options) },
      validatorCompiler: passThroughValidator,
      schema: {
        tags: ['trust services'],
        summary: 'Time-stamp a digest (RFC 3161)',
        description:
          'A DER TimeStampReq in, a DER TimeStampResp out. A readable request the TSA does not grant ' +
          '(digest other than SHA-256/384/512, unknown policy, extensions, version) gets status rejection with its ' +
          'PKIFailureInfo (RFC 3161 §2.4.2); a body that is not a TimeStampReq gets 400 problem+json.',
        body: binaryContent('application/timestamp-query', 'DER TimeStampReq (RFC 3161 §2.4.1)'),
        response: {
          200: binaryContent(
            'application/timestamp-reply',
            'DER TimeStampResp (RFC 3161 §2.4.2), granted or rejection',
          ),
          400: problemResponse('TIMESTAMP_REQUEST_MALFORMED: the body is not a DER TimeStampReq'),
          401: unauthenticated,
          413: problemResponse('PAYLOAD_TOO_LARGE: the body is over 64 KiB'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/timestamp-query'),
        },
      },
    },
    async (request, reply) => {
      const response = await answerTimeStampRequest(options.ca, derBodyOf(request.body));
      return reply.type('application/timestamp-reply').send(Buffer.from(response));
    },
  );
}
