/**
 * The OCSP responder over HTTP (RFC 6960 Appendix A): `POST /v1/ocsp` with a DER body,
 * and `GET /v1/ocsp/{base64 of the DER, URL-encoded}` (base64url accepted too).
 */
import { AppError, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { answerOcspRequest } from '../ca/ocsp-service.ts';
import { signingErrors } from '../errors.ts';
import { acceptDerBody, derBodyOf, passThroughValidator } from './binary-body.ts';
import { base64Pattern, binaryContent, problemResponse } from './schemas.ts';

/** Largest OCSPRequest accepted, bytes. */
export const ocspBodyLimit = 64 * 1024;

const responses = {
  200: binaryContent(
    'application/ocsp-response',
    'DER OCSPResponse (RFC 6960 §4.2.1): good, revoked or unknown per CertID',
  ),
  400: problemResponse(
    'OCSP_REQUEST_MALFORMED: not a DER OCSPRequest (or its base64); VALIDATION_FAILED: path over 8192 characters',
  ),
};

/** The DER of a GET request's path segment: base64 or base64url, padding optional. */
export function decodeOcspPath(segment: string): Uint8Array {
  let text = segment;
  // base64 never holds '%': one left means the router did not URL-decode the wildcard.
  if (text.includes('%')) {
    try {
      text = decodeURIComponent(text);
    } catch {
      text = '!';
    }
  }
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/');
  const padded = b64 + '='.repeat((4 - (b64.length % 4)) % 4);
  if (b64.length === 0 || b64.length % 4 === 1 || !new RegExp(base64Pattern).test(padded)) {
    throw new AppError(signingErrors.OCSP_REQUEST_MALFORMED, {
      detail: 'The path is not the base64 of a DER OCSPRequest (RFC 6960 A.1).',
    });
  }
  return new Uint8Array(Buffer.from(padded, 'base64'));
}

/** Registers the OCSP routes. */
export async function ocspRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  acceptDerBody(app, 'application/ocsp-request', ocspBodyLimit);
  const answer = async (der: Uint8Array): Promise<Buffer> => Buffer.from(await answerOcspRequest(options.ca, der));

  app.post(
    '/v1/ocsp',
    {
      config: { public: true },
      bodyLimit: ocspBodyLimit,
      validatorCompiler: passThroughValidator,
      schema: {
        tags: ['trust services'],
        summary: 'Certificate status (RFC 6960, POST)',
        body: binaryContent('application/ocsp-request', 'DER OCSPRequest (RFC 6960 §4.1.1)'),
        response: {
          ...responses,
          413: problemResponse('PAYLOAD_TOO_LARGE: the body is over 64 KiB'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: the body is not application/ocsp-request'),
        },
      },
    },
    async (request, reply) => reply.type('application/ocsp-response').send(await answer(derBodyOf(request.body))),
  );

  app.get(
    '/v1/ocsp/*',
    {
      config: { public: true },
      schema: {
        tags: ['trust services'],
        summary: 'Certificate status (RFC 6960 Appendix A.1, GET)',
        params: Type.Object({
          '*': Type.String({
            maxLength: 8192,
            description: 'URL-encoded base64 (or base64url) of the DER OCSPRequest',
          }),
        }),
        response: { ...responses },
      },
    },
    async (request, reply) =>
      reply.type('application/ocsp-response').send(await answer(decodeOcspPath(request.params['*']))),
  );
}
