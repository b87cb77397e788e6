/** The recipient's answer to a recall: `POST /v1/inbox/{id}/recall-answer` (15 accepted, 16 refused with a reason). */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { answerRecall } from '../answers/recall-answer-service.ts';
import type { RecallAnswerDeps } from '../answers/recall-answer-service.ts';
import { forbidden, IdParams, InboxEntrySummary, problemResponse, toInboxSummary, unauthenticated } from './schemas.ts';

/** Registers the recall answer route. */
export async function recallRoutes(app: ServiceApp, deps: RecallAnswerDeps): Promise<void> {
  app.addSchema(InboxEntrySummary);
  app.post(
    '/v1/inbox/:id/recall-answer',
    {
      schema: {
        tags: ['inbox'],
        summary:
          'Answers the sender’s recall (13): accept (15: the document leaves the inbox list) or refuse with a reason (16)',
        params: IdParams,
        body: Type.Object(
          {
            accept: Type.Boolean(),
            reason: Type.Optional(
              Type.String({ minLength: 1, maxLength: 1000, description: 'why; required to refuse' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Ref(InboxEntrySummary),
          400: problemResponse('VALIDATION_FAILED, MALFORMED_BODY or BAD_REQUEST: a refusal without a reason'),
          401: unauthenticated,
          403: forbidden,
          404: problemResponse("INBOX_ENTRY_NOT_FOUND: not in the caller's office's inbox"),
          409: problemResponse('RECALL_NOT_ASKED or RECALL_ALREADY_ANSWERED (`current`)'),
        },
      },
    },
    async (request) => toInboxSummary(await answerRecall(deps, principalOf(request), request.params.id, request.body)),
  );
}
