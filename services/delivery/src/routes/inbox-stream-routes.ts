/**
 * `GET /v1/inbox/stream`: the caller's office's new documents as server-sent events, each
 * with its consignment order as the event id, so `Last-Event-ID` (or `?after=`) resumes
 * without a gap; a comment line as heartbeat; the streams ended cleanly when the app closes.
 */
import type { Pool } from '@lienthong/db';
import { AppError, principalOf, serviceErrors, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { inboxPosition, inboxSince, inboxUsers } from '../inbox/inbox-service.ts';
import type { InboxWatch } from '../inbox/inbox-watch.ts';
import { forbidden, problemResponse, toInboxSummary, unauthenticated } from './schemas.ts';

/** How many entries one query of a stream reads. */
const batch = 100;

/** What the stream route needs. */
export interface InboxStreamOptions {
  pool: Pool;
  watch: InboxWatch;
  /** Between heartbeats (default 15 s). */
  heartbeatMs?: number;
}

/** Registers the inbox stream. */
export async function inboxStreamRoutes(app: ServiceApp, options: InboxStreamOptions): Promise<void> {
  const { pool, watch } = options;
  const heartbeatMs = options.heartbeatMs ?? 15_000;
  const open = new Set<() => void>();
  app.addHook('preClose', async () => {
    for (const end of [...open]) end();
  });

  app.get(
    '/v1/inbox/stream',
    {
      schema: {
        tags: ['inbox'],
        summary:
          "New documents of the caller's office as server-sent events (`event: document`, id = consignment order); Last-Event-ID resumes",
        querystring: Type.Object(
          { after: Type.Optional(Type.Integer({ minimum: 0, maximum: 2 ** 53 - 1, description: 'as Last-Event-ID' })) },
          { additionalProperties: false },
        ),
        produces: ['text/event-stream'],
        response: {
          200: {
            description: 'text/event-stream',
            content: { 'text/event-stream': { schema: Type.String() } },
          },
          400: problemResponse('VALIDATION_FAILED or BAD_REQUEST: a bad after or Last-Event-ID'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      requireRoleOf(principal, ...inboxUsers);
      const header = request.headers['last-event-id'];
      if (header !== undefined && (typeof header !== 'string' || !/^(0|[1-9][0-9]{0,15})$/.test(header)))
        throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'Last-Event-ID is not an id this stream sent' });
      let last = header === undefined ? (request.query.after ?? 0) : Number(header);
      // Without a position, a new stream starts at what arrives from now on.
      const fresh = header === undefined && request.query.after === undefined;

      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 2000\n\n');

      let ended = false;
      let running = false;
      let again = false;
      const pump = async (): Promise<void> => {
        if (running) {
          again = true;
          return;
        }
        running = true;
        try {
          do {
            again = false;
            for (;;) {
              const entries = await inboxSince(pool, principal, last, batch);
              if (ended) return;
              for (const entry of entries) {
                const seq = entry.leg.inboxSeq!;
                raw.write(`id: ${seq}\nevent: document\ndata: ${JSON.stringify(toInboxSummary(entry))}\n\n`);
                last = seq;
              }
              if (entries.length < batch) break;
            }
          } while (again && !ended);
        } catch (err) {
          request.log.warn({ err }, 'delivery: inbox stream query failed');
        } finally {
          running = false;
        }
      };
      const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), heartbeatMs);
      const unwatch = watch.watch(principal.office, () => void pump());
      const end = (): void => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unwatch();
        open.delete(end);
        raw.end();
      };
      open.add(end);
      request.raw.once('close', end);
      raw.once('close', end);
      if (fresh) {
        // Skip the backlog (the list has it): the position is the latest consignment now.
        last = await inboxPosition(pool, principal);
      }
      await pump();
    },
  );
}
