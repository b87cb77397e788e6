/**
 * Recalling and replacing an issued document: `POST /v1/documents/{id}/recall` and
 * `POST /v1/documents/{id}/replacement`, each with a reason; the event tells delivery.
 */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { recallDocument, replaceDocument } from '../documents/document-recall.ts';
import { toDocumentView } from '../documents/document-view.ts';
import { DocumentSummary } from './document-schemas.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid', description: 'the document id' }) });
const Reason = Type.String({ minLength: 1, maxLength: 1000, description: 'why (in the life record and the event)' });
const responses = {
  200: DocumentSummary,
  400: problemResponse('VALIDATION_FAILED, MALFORMED_BODY or BAD_REQUEST: the body breaks its schema'),
  401: unauthenticated,
  403: problemResponse('FORBIDDEN: not a registry or office-system'),
  404: problemResponse("DOCUMENT_NOT_FOUND: none of the caller's office with this id"),
  409: problemResponse('DOCUMENT_TRANSITION_NOT_ALLOWED: not issued (state), or recalled or replaced already'),
};

/** Registers the recall and replacement routes. */
export async function documentRecallRoutes(
  app: ServiceApp,
  options: { pool: Pool; topicNamespace: string },
): Promise<void> {
  const { pool, topicNamespace } = options;

  app.post(
    '/v1/documents/:id/recall',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Recall (thu hồi) an issued document, with a reason: recalled; every recipient office is asked to answer (13)',
        params: IdParam,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: responses,
      },
    },
    async (request) =>
      toDocumentView(
        await recallDocument(pool, principalOf(request), request.params.id, request.body.reason, topicNamespace),
      ),
  );

  app.post(
    '/v1/documents/:id/replacement',
    {
      schema: {
        tags: ['documents'],
        summary: 'Replace an issued document by another issued document of the office, with a reason: replaced',
        params: IdParam,
        body: Type.Object(
          { replacedBy: Type.String({ format: 'uuid', description: 'the replacing document' }), reason: Reason },
          { additionalProperties: false },
        ),
        response: responses,
      },
    },
    async (request) =>
      toDocumentView(
        await replaceDocument(
          pool,
          principalOf(request),
          request.params.id,
          request.body.replacedBy,
          request.body.reason,
          topicNamespace,
        ),
      ),
  );
}
