/**
 * The registration authority's routes: `GET /v1/key-requests[/{id}]` (a signer's own
 * requests; every request of the office for its CA administrators), and the decisions of a
 * CA administrator of the office who is not the requester: `POST /v1/key-requests/{id}/approval`
 * (the key becomes usable, certified with the registered identity) and
 * `POST /v1/key-requests/{id}/refusal` (with a reason; the key is destroyed). Another
 * office's requests do not exist for the caller. `POST /v1/key-requests/csr`: a signer asks
 * for the key of a certification request made on their USB token to be certified.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { approveKeyRequest, listRequests, refuseKeyRequest, viewRequest } from '../keys/key-requests.ts';
import { requestTokenCertificate } from '../keys/token-key-request.ts';
import { KeyRequestSummary, toKeyRequestSummary } from './key-request-summary.ts';
import { KeySummary, toKeySummary } from './key-summary.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const Uuid = Type.Object({ id: Type.String({ format: 'uuid' }) });
const notFound = problemResponse(
  "KEY_REQUEST_NOT_FOUND: no request of the caller's office with this id that the caller may see",
);
const decisionErrors = {
  400: problemResponse('VALIDATION_FAILED'),
  401: unauthenticated,
  403: problemResponse('FORBIDDEN (not a ca-admin) or KEY_REQUEST_OWN (the caller asked for it)'),
  404: notFound,
};

/** Registers the key request routes. */
export async function keyRequestRoutes(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const { ca } = options;
  app.addSchema(KeySummary);
  app.addSchema(KeyRequestSummary);

  app.post(
    '/v1/key-requests/csr',
    {
      bodyLimit: 32 * 1024,
      schema: {
        tags: ['registration authority'],
        summary:
          "Ask for the key of a certification request (PKCS #10) made on the caller's USB token to be certified (a signer)",
        description:
          "The request must prove possession of its key (its signature verifies with it) and hold an RSA key of 2048 to 8192 bits or an ECDSA P-256/P-384 key. The certificate will name what the caller's office registered, never the request's subject. Once a CA administrator of the office who is not the caller approves (POST /v1/key-requests/{id}/approval), the key (storage token, no private key here) and its certificate are GET /v1/keys/{id}; it signs through two-step signing only.",
        body: Type.Object(
          {
            csr: Type.String({
              minLength: 4,
              maxLength: 24 * 1024,
              description:
                'the CertificationRequest (RFC 2986), ≤ 16 KiB: base64 of its DER, or PEM (CERTIFICATE REQUEST)',
            }),
            validityDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 1825 })),
          },
          { additionalProperties: false },
        ),
        response: {
          202: Type.Ref(KeyRequestSummary),
          400: problemResponse(
            'VALIDATION_FAILED, CSR_MALFORMED (not base64 DER or PEM of a DER request of version 0, or over 16 KiB) or CSR_SIGNATURE_INVALID (no proof of possession)',
          ),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: not a signer'),
          409: problemResponse(
            'OFFICE_NOT_REGISTERED, PERSON_NOT_REGISTERED, CSR_KEY_IN_USE (a request pending or approved holds the key) or KEY_REQUESTS_PENDING',
          ),
          413: problemResponse('PAYLOAD_TOO_LARGE'),
          422: problemResponse('CSR_KEY_UNSUITABLE: a key or signature algorithm this CA does not certify'),
        },
      },
    },
    async (request, reply) => {
      const filed = await requestTokenCertificate(ca, principalOf(request), request.body);
      return reply.code(202).header('location', `/v1/key-requests/${filed.id}`).send(toKeyRequestSummary(filed));
    },
  );

  app.get(
    '/v1/key-requests',
    {
      schema: {
        tags: ['registration authority'],
        summary: "Key requests: the caller's own; every request of the office for its CA administrators",
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('refused')]),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ requests: Type.Array(Type.Ref(KeyRequestSummary)) }),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
        },
      },
    },
    async (request) => ({
      requests: (await listRequests(ca, principalOf(request), request.query.state)).map(toKeyRequestSummary),
    }),
  );

  app.get(
    '/v1/key-requests/:id',
    {
      schema: {
        tags: ['registration authority'],
        summary: 'One key request (its requester, or a CA administrator of the office)',
        params: Uuid,
        response: {
          200: Type.Ref(KeyRequestSummary),
          400: problemResponse('VALIDATION_FAILED'),
          401: unauthenticated,
          404: notFound,
        },
      },
    },
    async (request) => toKeyRequestSummary(await viewRequest(ca, principalOf(request), request.params.id)),
  );

  app.post(
    '/v1/key-requests/:id/approval',
    {
      schema: {
        tags: ['registration authority'],
        summary: 'Approve a key request: the key becomes usable (a CA administrator of the office, not the requester)',
        description:
          "For a requested key the local CA issues the certificate now, naming the registered identity the request shows (subject); an import keeps its certificate. The key has the request's id and the requester's PIN. No body is needed.",
        params: Uuid,
        response: {
          201: Type.Ref(KeySummary),
          ...decisionErrors,
          409: problemResponse(
            'KEY_REQUEST_DECIDED, KEY_REQUEST_STALE (the registration changed since), OFFICE_NOT_REGISTERED or PERSON_NOT_REGISTERED',
          ),
        },
      },
    },
    async (request, reply) => {
      const key = await approveKeyRequest(ca, principalOf(request), request.params.id);
      return reply.code(201).header('location', `/v1/keys/${key.id}`).send(toKeySummary(key));
    },
  );

  app.post(
    '/v1/key-requests/:id/refusal',
    {
      schema: {
        tags: ['registration authority'],
        summary:
          'Refuse a key request with a reason: its key is destroyed (a CA administrator of the office, not the requester)',
        params: Uuid,
        body: Type.Object(
          {
            reason: Type.String({
              minLength: 1,
              maxLength: 500,
              pattern: '\\S',
              description: 'why, e.g. the person is not a signer of this office',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Ref(KeyRequestSummary),
          ...decisionErrors,
          409: problemResponse('KEY_REQUEST_DECIDED'),
        },
      },
    },
    async (request) =>
      toKeyRequestSummary(await refuseKeyRequest(ca, principalOf(request), request.params.id, request.body.reason)),
  );
}
