/**
 * The registration authority's routes: `GET /v1/key-requests[/{id}]` (a signer's own
 * requests; every request of the office for its CA administrators), and the decisions of a
 * CA administrator of the office who is not the requester: `POST /v1/key-requests/{id}/approval`
 * (the key becomes usable, certified with the registered identity) and
 * `POST /v1/key-requests/{id}/refusal` (with a reason; the key is destroyed). Another
 * office's requests do not exist for the caller.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { approveKeyRequest, listRequests, refuseKeyRequest, viewRequest } from '../keys/key-requests.ts';
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
