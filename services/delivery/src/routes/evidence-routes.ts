/**
 * The evidence export (README "Evidence"): a delivery's evidence for its sender, an inbox
 * entry's for its recipient, and the sender's copy of the document; what `lienthong
 * delivery evidence` assembles into an offline bundle.
 */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp, Static } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { deliveryEvidence, inboxEvidence, openSentContent } from '../evidence/evidence-service.ts';
import type { EvidencePage } from '../evidence/evidence-service.ts';
import { forbidden, IdParams, problemResponse, unauthenticated } from './schemas.ts';

const invalid = problemResponse(
  'VALIDATION_FAILED, BAD_REQUEST: a parameter breaks its schema, or after is not one given',
);

const EvidenceQuery = Type.Object(
  {
    after: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'nextAfter of the page before' })),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 500 }),
  },
  { additionalProperties: false },
);

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

/** One page of evidence, as the API shows it. */
const EvidenceAnswer = Type.Object({
  delivery: Type.Object({
    id: Type.String(),
    documentId: Type.String(),
    senderOffice: Type.String(),
    document: Type.Object({ sha256: Type.String(), length: Type.Integer(), mediaType: Type.String() }),
  }),
  evidence: Type.Array(
    Type.Object({
      id: Type.String({ description: 'the statement id' }),
      event: Type.String({ description: 'libs/evidence event (ETSI EN 319 522 names, recall events)' }),
      recipientOffice: Nullable(Type.String({ description: 'null: the submission, first of every leg' })),
      actingOffice: Type.String({ description: 'whose seal signs it' }),
      time: Type.String({ format: 'date-time' }),
      sealed: Type.Boolean(),
      cms: Nullable(Type.String({ description: 'base64 DER CMS with the statement attached' })),
      proof: Nullable(
        Type.Object(
          { index: Type.Integer(), size: Type.Integer(), path: Type.Array(Type.String()) },
          {
            description: 'RFC 6962 inclusion proof in its batch (hex hashes)',
          },
        ),
      ),
      timestamp: Nullable(Type.String({ description: 'the batch id, once its token is stored (see timestamps)' })),
    }),
  ),
  timestamps: Type.Array(
    Type.Object({ id: Type.String(), token: Type.String({ description: 'base64 DER RFC 3161 token' }) }),
  ),
  nextAfter: Nullable(Type.String()),
});

function answerOf(found: EvidencePage): Static<typeof EvidenceAnswer> {
  const { delivery: d, rows } = found;
  const tokens = new Map<string, Buffer>();
  for (const r of rows) if (r.batch_id !== null && r.token !== null) tokens.set(r.batch_id, r.token);
  return {
    delivery: {
      id: d.id,
      documentId: d.documentId,
      senderOffice: d.sender,
      document: { sha256: d.file.sha256, length: d.file.byteLength, mediaType: d.file.mediaType },
    },
    evidence: rows.map((r) => ({
      id: r.id,
      event: r.event,
      recipientOffice: r.recipient_office,
      actingOffice: r.acting_office,
      time: r.time.toISOString(),
      sealed: r.cms !== null,
      cms: r.cms === null ? null : r.cms.toString('base64'),
      proof: r.proof,
      timestamp: r.batch_id,
    })),
    timestamps: [...tokens].map(([id, token]) => ({ id, token: token.toString('base64') })),
    nextAfter: found.nextAfter,
  };
}

/** Registers the evidence routes. */
export async function evidenceRoutes(app: ServiceApp, options: { pool: Pool; store: ObjectStore }): Promise<void> {
  const { pool, store } = options;
  const response = (notFound: string) => ({
    200: EvidenceAnswer,
    400: invalid,
    401: unauthenticated,
    403: forbidden,
    404: problemResponse(notFound),
  });

  app.get(
    '/v1/deliveries/:id/evidence',
    {
      schema: {
        tags: ['deliveries'],
        summary:
          "The signed evidence of a delivery the caller's office sent: the submission and every leg, in chain order",
        params: IdParams,
        querystring: EvidenceQuery,
        response: response('DELIVERY_NOT_FOUND: the caller’s office sent no such delivery'),
      },
    },
    async (request) => answerOf(await deliveryEvidence(pool, principalOf(request), request.params.id, request.query)),
  );

  app.get(
    '/v1/inbox/:id/evidence',
    {
      schema: {
        tags: ['inbox'],
        summary: "The signed evidence of an entry of the caller's office's inbox: the submission and its own leg",
        params: IdParams,
        querystring: EvidenceQuery,
        response: response('INBOX_ENTRY_NOT_FOUND: no such entry in the caller’s office’s inbox'),
      },
    },
    async (request) => answerOf(await inboxEvidence(pool, principalOf(request), request.params.id, request.query)),
  );

  app.get(
    '/v1/deliveries/:id/content',
    {
      schema: {
        tags: ['deliveries'],
        summary: "The document of a delivery the caller's office sent, checked against its SHA-256 on the way",
        params: IdParams,
        produces: ['application/pdf'],
        response: {
          200: {
            description: 'application/pdf (cut short, never completed, if the stored bytes do not match)',
            content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
          },
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: problemResponse('DELIVERY_NOT_FOUND: the caller’s office sent no such delivery'),
          503: problemResponse('CONTENT_UNAVAILABLE: the object store could not give it now'),
        },
      },
    },
    async (request, reply) => {
      const { delivery, body } = await openSentContent(pool, store, principalOf(request), request.params.id);
      const { file } = delivery;
      return reply
        .type(file.mediaType)
        .header('content-length', String(file.byteLength))
        .header('etag', `"${file.sha256}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
        .header('content-disposition', `attachment; filename="${delivery.id}.pdf"`)
        .send(body);
    },
  );
}
