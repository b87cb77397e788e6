/**
 * Reading and cancelling the caller's office's documents: one, a page, the PDF (ETag = its
 * SHA-256), the life record, and `POST …/cancellation`. Another office's document is 404.
 */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { cancelDocument } from '../issue/document-cancellation.ts';
import {
  documentContent,
  documentFile,
  documentsPage,
  documentTransitions,
  viewDocument,
} from '../documents/document-reads.ts';
import { toDocumentView, toTransitionView } from '../documents/document-view.ts';
import { DocumentStateSchema, DocumentSummary, TransitionSummary } from './document-schemas.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid', description: 'the document id' }) });
const invalid = problemResponse('VALIDATION_FAILED');
const notFound = problemResponse("DOCUMENT_NOT_FOUND: none of the caller's office with this id");

/** Registers the documents' read and cancellation routes. */
export async function documentRoutes(
  app: ServiceApp,
  options: { pool: Pool; store: ObjectStore; bucket: string; topicNamespace: string },
): Promise<void> {
  const { pool, store, bucket, topicNamespace } = options;

  app.get(
    '/v1/documents',
    {
      schema: {
        tags: ['documents'],
        summary: "The caller's office's documents, newest first; filter by state, page with limit and offset",
        querystring: Type.Object(
          {
            state: Type.Optional(DocumentStateSchema),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
            offset: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            documents: Type.Array(DocumentSummary),
            nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
          }),
          400: invalid,
          401: unauthenticated,
        },
      },
    },
    async (request) => {
      const { state, limit, offset } = request.query;
      const page = await documentsPage(pool, principalOf(request), {
        limit,
        offset,
        ...(state === undefined ? {} : { state }),
      });
      return { documents: page.documents.map(toDocumentView), nextOffset: page.nextOffset };
    },
  );

  app.get(
    '/v1/documents/:id',
    {
      schema: {
        tags: ['documents'],
        summary: 'One document of the caller’s office',
        params: IdParam,
        response: { 200: DocumentSummary, 400: invalid, 401: unauthenticated, 404: notFound },
      },
    },
    async (request) => toDocumentView(await viewDocument(pool, principalOf(request), request.params.id)),
  );

  app.get(
    '/v1/documents/:id/content',
    {
      schema: {
        tags: ['documents'],
        summary: 'The PDF: as submitted, signed or issued (default the latest); ETag is its SHA-256',
        params: IdParam,
        querystring: Type.Object(
          {
            version: Type.Optional(
              Type.Union([Type.Literal('original'), Type.Literal('signed'), Type.Literal('issued')], {
                description:
                  'original (as submitted), signed (by the signer), issued (numbered and sealed); default the latest',
              }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: {
            description: 'the PDF; `lienthong-version` names which',
            content: { 'application/pdf': { schema: Type.String({ format: 'binary' }) } },
          },
          304: { description: 'If-None-Match named this ETag' },
          400: invalid,
          401: unauthenticated,
          404: problemResponse(
            "DOCUMENT_NOT_FOUND: none of the caller's office with this id; DOCUMENT_VERSION_NOT_FOUND: not signed or issued yet",
          ),
        },
      },
    },
    async (request, reply) => {
      const file = await documentFile(pool, principalOf(request), request.params.id, request.query.version);
      const etag = `"${file.sha256}"`;
      reply.header('etag', etag).header('lienthong-version', file.version);
      if (request.headers['if-none-match'] === etag) return reply.status(304).send();
      const body = await documentContent(store, bucket, file);
      return reply.header('content-type', 'application/pdf').header('content-length', String(file.size)).send(body);
    },
  );

  app.get(
    '/v1/documents/:id/transitions',
    {
      schema: {
        tags: ['documents'],
        summary: 'The life record of a document, oldest first (who, when, why)',
        params: IdParam,
        response: {
          200: Type.Object({ transitions: Type.Array(TransitionSummary) }),
          400: invalid,
          401: unauthenticated,
          404: notFound,
        },
      },
    },
    async (request) => ({
      transitions: (await documentTransitions(pool, principalOf(request), request.params.id)).map(toTransitionView),
    }),
  );

  app.post(
    '/v1/documents/:id/cancellation',
    {
      schema: {
        tags: ['documents'],
        summary:
          'Cancel a document (an office-system or registry of its office), with a reason; an issued one with its number, asked back from its recipients',
        params: IdParam,
        body: Type.Object(
          {
            reason: Type.String({
              minLength: 1,
              maxLength: 1000,
              description: 'why (the life record, the register, document.cancelled on one line)',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: DocumentSummary,
          400: invalid,
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: not an office-system or registry'),
          404: notFound,
          409: problemResponse('DOCUMENT_TRANSITION_NOT_ALLOWED: the state cannot be cancelled (state)'),
        },
      },
    },
    async (request) =>
      toDocumentView(
        await cancelDocument(pool, principalOf(request), request.params.id, request.body.reason, topicNamespace),
      ),
  );
}
