/**
 * `POST /v1/documents/{id}/signature` (the document's signer, PIN in `lienthong-pin`; with a
 * USB token in two steps: document-two-step-routes.ts) and
 * `POST /v1/documents/{id}/issue` (the registry of its office): the handlers relay the
 * caller's own `authorization` header, which intake has verified, to the flows of
 * issue/ (services/intake/README.md "Signing and issue").
 */
import type { Pool } from '@lienthong/db';
import { AppError, principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { toDocumentView } from '../documents/document-view.ts';
import type { StampPdf } from '../documents/pdf-pool.ts';
import { createCallerGate, queueFullRetryAfterSeconds, type CallerGateLimits } from '../issue/caller-gate.ts';
import { issueDocument } from '../issue/document-issue.ts';
import { defaultSignatureRect, signDocument } from '../issue/document-signing.ts';
import type { SigningClient } from '../issue/signing-client.ts';
import { DocumentSummary } from './document-schemas.ts';
import { documentTwoStepRoutes } from './document-two-step-routes.ts';
import { problemResponse, signingProblems } from './schemas.ts';

const IdParam = Type.Object({ id: Type.String({ format: 'uuid', description: 'the document id' }) });

const IssueSummary = Type.Object({
  id: Type.String({ format: 'uuid' }),
  state: Type.Literal('issued'),
  office: Type.String(),
  number: Type.Integer({ minimum: 1 }),
  symbol: Type.String({ description: 'the number and symbol as written, `01-CT/VPTU`' }),
  printed: Type.String({ description: 'as stamped, `Số 01-CT/VPTU`' }),
  series: Type.String(),
  period: Type.String(),
  date: Type.String({ format: 'date-time', description: 'the date the number carries' }),
  issuedAt: Type.String({ format: 'date-time' }),
  sha256: Type.String({ description: 'of the issued PDF (GET …/content?version=issued)' }),
  size: Type.Integer(),
});

/** Registers the signature and issue routes. */
export async function documentIssueRoutes(
  app: ServiceApp,
  options: {
    pool: Pool;
    store: ObjectStore;
    bucket: string;
    signing: SigningClient;
    stampPdf: StampPdf;
    seals: CallerGateLimits;
    topicNamespace: string;
    onIssued?: (type: string) => void;
  },
): Promise<void> {
  const deps = { ...options, gate: createCallerGate(options.seals) };
  /** Runs `work`; a full queue says when to come back (RFC 9110 §10.2.3), as signing does for its limit. */
  const withRetryAfter = async <T>(
    reply: { header(name: string, value: string): unknown },
    work: () => Promise<T>,
  ): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AppError && error.code === 'ISSUE_QUEUE_FULL')
        reply.header('retry-after', String(queueFullRetryAfterSeconds));
      throw error;
    }
  };

  app.post(
    '/v1/documents/:id/signature',
    {
      schema: {
        tags: ['documents'],
        summary: 'Sign a document awaiting signature (its assigned signer, with their key’s PIN)',
        params: IdParam,
        headers: Type.Object({
          'lienthong-pin': Type.String({
            minLength: 1,
            maxLength: 256,
            description: 'the PIN of the signer’s personal key: passed to signing, never kept',
          }),
        }),
        querystring: Type.Object(
          {
            visible: Type.Boolean({
              default: true,
              description: 'draw the signature block: authority form, title and name from the metadata and directory',
            }),
            page: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'the page of the block' })),
            rect: Type.String({
              pattern: '^\\d{1,5}(\\.\\d+)?(,\\d{1,5}(\\.\\d+)?){3}$',
              default: defaultSignatureRect,
              description: 'x1,y1,x2,y2 of the block in points from the lower left',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: DocumentSummary,
          400: problemResponse('VALIDATION_FAILED: no PIN, a bad query'),
          403: problemResponse(
            'FORBIDDEN: not a signer; DOCUMENT_SIGNER_MISMATCH: not the assigned signer; SIGNING_PIN_INCORRECT (attemptsLeft)',
          ),
          423: problemResponse('SIGNING_KEY_LOCKED'),
          429: problemResponse('SIGNING_PIN_ATTEMPTS_EXCEEDED (retryAfterSeconds)'),
          ...signingProblems,
        },
      },
    },
    async (request, reply) => {
      const { visible, page, rect } = request.query;
      const document = await withRetryAfter(reply, () =>
        signDocument(deps, principalOf(request), request.headers.authorization!, request.params.id, {
          pin: request.headers['lienthong-pin'],
          visible,
          rect,
          ...(page === undefined ? {} : { page }),
        }),
      );
      return toDocumentView(document);
    },
  );

  documentTwoStepRoutes(app, deps, { withRetryAfter });

  app.post(
    '/v1/documents/:id/issue',
    {
      schema: {
        tags: ['documents'],
        summary: 'Issue a signed document (its office’s registry): number, date, seal; again: the same answer',
        params: IdParam,
        response: {
          200: IssueSummary,
          400: problemResponse('VALIDATION_FAILED'),
          403: problemResponse('FORBIDDEN: not a registry'),
          ...signingProblems,
        },
      },
    },
    async (request, reply) =>
      withRetryAfter(reply, () =>
        issueDocument(deps, principalOf(request), request.headers.authorization!, request.params.id),
      ),
  );
}
