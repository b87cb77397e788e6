/**
 * The recipient's answers to an entry of its inbox: acceptance (số đến, through intake),
 * refusal with a reason, and the processing statuses.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { acceptEntry, refuseEntry, reportStatus } from '../answers/answer-service.ts';
import type { AnswerDeps } from '../answers/answer-service.ts';
import { processingStatuses } from '../answers/transitions.ts';
import { forbidden, IdParams, InboxEntrySummary, problemResponse, toInboxSummary, unauthenticated } from './schemas.ts';

const invalid = problemResponse('VALIDATION_FAILED, MALFORMED_BODY or BAD_REQUEST: the body breaks its schema');
const notFound = problemResponse("INBOX_ENTRY_NOT_FOUND: not in the caller's office's inbox");
const Reason = Type.String({ minLength: 1, maxLength: 1000, description: 'why, as the person gives it' });

/** Registers the answer routes. */
export async function answerRoutes(app: ServiceApp, deps: AnswerDeps): Promise<void> {
  app.addSchema(InboxEntrySummary);
  const answer = Type.Ref(InboxEntrySummary);

  app.post(
    '/v1/inbox/:id/acceptance',
    {
      schema: {
        tags: ['inbox'],
        summary:
          "Accepts the document: it enters the caller's office's incoming register (số đến, at intake) and the sender learns status 03",
        params: IdParams,
        response: {
          200: answer,
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: problemResponse('DELIVERY_ALREADY_ANSWERED: accepted or refused already'),
          422: problemResponse('INTAKE_REFUSED: the incoming register refused it'),
          503: problemResponse('INTAKE_UNAVAILABLE: try again; the same number is kept'),
        },
      },
    },
    async (request) =>
      toInboxSummary(
        await acceptEntry(deps, principalOf(request), request.headers.authorization ?? '', request.params.id),
      ),
  );

  app.post(
    '/v1/inbox/:id/refusal',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Returns the document with a reason (Nghị định 30/2020, Điều 21): status 02',
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: {
          200: answer,
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: problemResponse('DELIVERY_ALREADY_ANSWERED: accepted or refused already'),
        },
      },
    },
    async (request) =>
      toInboxSummary(await refuseEntry(deps, principalOf(request), request.params.id, request.body.reason)),
  );

  app.post(
    '/v1/inbox/:id/status',
    {
      schema: {
        tags: ['inbox'],
        summary: 'Reports processing: 04 assigned, 05 in progress, 06 completed (after acceptance, never backwards)',
        params: IdParams,
        body: Type.Object(
          {
            status: Type.Union(processingStatuses.map((s) => Type.Literal(s))),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: {
          200: answer,
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: problemResponse(
            'DELIVERY_TRANSITION_NOT_ALLOWED: `current` gives where it stands, `allowed` what may follow',
          ),
        },
      },
    },
    async (request) =>
      toInboxSummary(
        await reportStatus(deps, principalOf(request), request.params.id, request.body.status, request.body.reason),
      ),
  );
}
