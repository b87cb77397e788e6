/**
 * The caller's office's inbox: a page (urgent first, then newest; filters; cursor), one
 * entry with its history, and the document's PDF streamed from the object store.
 */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { inboxEntry, inboxPage, openContent } from '../inbox/inbox-service.ts';
import {
  forbidden,
  HistoryItem,
  IdParams,
  InboxEntrySummary,
  problemResponse,
  StatusCode,
  toHistoryItem,
  toInboxSummary,
  unauthenticated,
  Urgency,
} from './schemas.ts';

const invalid = problemResponse('VALIDATION_FAILED: a parameter breaks its schema');
const notFound = problemResponse("INBOX_ENTRY_NOT_FOUND: not in the caller's office's inbox");

/** Registers the inbox's read routes. */
export async function inboxRoutes(app: ServiceApp, options: { pool: Pool; store: ObjectStore }): Promise<void> {
  const { pool, store } = options;
  app.addSchema(InboxEntrySummary);

  app.get(
    '/v1/inbox',
    {
      schema: {
        tags: ['inbox'],
        summary: "The caller's office's inbox: urgent first (Hỏa tốc, Thượng khẩn, Khẩn), then newest",
        querystring: Type.Object(
          {
            status: Type.Optional(StatusCode),
            urgency: Type.Optional(Urgency),
            since: Type.Optional(Type.String({ format: 'date-time', description: 'consigned at or after' })),
            cursor: Type.Optional(
              Type.String({ minLength: 1, maxLength: 100, description: 'nextCursor of the page before' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            entries: Type.Array(Type.Ref(InboxEntrySummary)),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
          400: problemResponse('VALIDATION_FAILED or INBOX_CURSOR_INVALID'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const { status, urgency, since, cursor, limit } = request.query;
      const page = await inboxPage(pool, principalOf(request), {
        limit,
        ...(status === undefined ? {} : { status }),
        ...(urgency === undefined ? {} : { urgency }),
        ...(since === undefined ? {} : { since: new Date(since) }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { office: page.office, entries: page.entries.map(toInboxSummary), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/inbox/:id',
    {
      schema: {
        tags: ['inbox'],
        summary: 'One entry of the inbox with the history of its delivery',
        params: IdParams,
        response: {
          200: Type.Object({ entry: Type.Ref(InboxEntrySummary), history: Type.Array(HistoryItem) }),
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: notFound,
        },
      },
    },
    async (request) => {
      const { entry, history } = await inboxEntry(pool, principalOf(request), request.params.id);
      return { entry: toInboxSummary(entry), history: history.map(toHistoryItem) };
    },
  );

  app.get(
    '/v1/inbox/:id/content',
    {
      schema: {
        tags: ['inbox'],
        summary:
          'The issued PDF, streamed from the object store and checked against its SHA-256 on the way; the first complete fetch is recorded as handed over',
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
          404: notFound,
          503: problemResponse('CONTENT_UNAVAILABLE: the object store could not give it now'),
        },
      },
    },
    async (request, reply) => {
      const { entry, body, handOver } = await openContent(pool, store, principalOf(request), request.params.id);
      const { file } = entry.delivery;
      reply.raw.once('finish', () => {
        handOver().catch((err: unknown) => request.log.warn({ err }, 'delivery: hand-over not recorded'));
      });
      return reply
        .type('application/pdf')
        .header('content-length', String(file.byteLength))
        .header('etag', `"${file.sha256}"`)
        .header('repr-digest', `sha-256=:${Buffer.from(file.sha256, 'hex').toString('base64')}:`)
        .header('content-disposition', `attachment; filename="${entry.leg.id}.pdf"`)
        .send(body);
    },
  );
}
