/**
 * The outgoing register of the caller's office (never another's): a page, the CSV export,
 * the printable register book, the cancellation of a number, and the series configuration.
 */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { cancelOutgoing } from '../issue/document-cancellation.ts';
import { registerCsv } from '../registers/register-csv.ts';
import {
  changeSeriesConfig,
  maxExportEntries,
  outgoingBook,
  outgoingExport,
  outgoingPage,
  viewSeriesConfig,
} from '../registers/register-service.ts';
import type { StoredSeriesConfig } from '../registers/series-config.ts';
import {
  PeriodName,
  RegisterEntrySummary,
  RegisterFilterQuery,
  SeriesConfigBody,
  SeriesConfigView,
  SeriesName,
  toConfigView,
  toEntrySummary,
} from './register-schemas.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const invalid = problemResponse('VALIDATION_FAILED');
const forbidden = problemResponse(
  'FORBIDDEN: the caller lacks the role (registry; to read: registry, office-system or archivist)',
);
const filterQuery = Type.Object(RegisterFilterQuery, { additionalProperties: false });

/** Registers the outgoing register's routes. */
export async function registerRoutes(app: ServiceApp, options: { pool: Pool; topicNamespace: string }): Promise<void> {
  const { pool, topicNamespace } = options;
  app.addSchema(RegisterEntrySummary);
  app.addSchema(SeriesConfigBody);

  app.get(
    '/v1/registers/outgoing',
    {
      schema: {
        tags: ['registers'],
        summary: "The caller's office's outgoing register (sổ đăng ký văn bản đi), by period, series and number",
        querystring: Type.Object(
          {
            ...RegisterFilterQuery,
            state: Type.Optional(
              Type.Union([Type.Literal('reserved'), Type.Literal('issued'), Type.Literal('cancelled')], {
                description: 'reserved: numbers whose issue has not completed (to resume, or to cancel)',
              }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100, description: 'entries per page' }),
            offset: Type.Integer({ minimum: 0, maximum: 10_000_000, default: 0, description: 'how many to skip' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            entries: Type.Array(Type.Ref(RegisterEntrySummary)),
            nextOffset: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()]),
          }),
          400: invalid,
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const { series, period, state, limit, offset } = request.query;
      const page = await outgoingPage(pool, principalOf(request), {
        limit,
        offset,
        ...(state === undefined ? {} : { state }),
        ...(series === undefined ? {} : { series }),
        ...(period === undefined ? {} : { period }),
      });
      return { office: page.office, entries: page.entries.map(toEntrySummary), nextOffset: page.nextOffset };
    },
  );

  app.get(
    '/v1/registers/outgoing.csv',
    {
      schema: {
        tags: ['registers'],
        summary: 'The outgoing register as CSV (UTF-8 with BOM, RFC 4180, formulas defused)',
        querystring: filterQuery,
        produces: ['text/csv'],
        response: {
          200: { description: 'text/csv; charset=utf-8', content: { 'text/csv': { schema: Type.String() } } },
          400: invalid,
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const { series, period } = request.query;
      const { office, entries, truncated } = await outgoingExport(pool, principalOf(request), {
        ...(series === undefined ? {} : { series }),
        ...(period === undefined ? {} : { period }),
      });
      if (truncated) void reply.header('x-register-truncated', String(maxExportEntries));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="so-van-ban-di-${office}.csv"`)
        .send(registerCsv(entries));
    },
  );

  app.get(
    '/v1/registers/outgoing.pdf',
    {
      schema: {
        tags: ['registers'],
        summary: 'The printable register book (sổ đăng ký văn bản đi), PDF with Vietnamese text',
        querystring: filterQuery,
        produces: ['application/pdf'],
        response: {
          200: {
            description: 'application/pdf',
            content: { 'application/pdf': { schema: Type.Unsafe<unknown>({ description: 'the PDF bytes' }) } },
          },
          400: invalid,
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request, reply) => {
      const { series, period } = request.query;
      const { office, pdf, truncated } = await outgoingBook(pool, principalOf(request), {
        ...(series === undefined ? {} : { series }),
        ...(period === undefined ? {} : { period }),
      });
      if (truncated) void reply.header('x-register-truncated', String(maxExportEntries));
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="so-van-ban-di-${office}.pdf"`)
        .send(Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength));
    },
  );

  app.post(
    '/v1/registers/outgoing/:series/:period/:number/cancellation',
    {
      schema: {
        tags: ['registers'],
        summary:
          'Cancels a number (registry): it stays in the register as cancelled, audited, never given again; its issued document is cancelled with it',
        params: Type.Object({
          series: SeriesName,
          period: PeriodName,
          number: Type.Integer({ minimum: 1, maximum: 999_999 }),
        }),
        body: Type.Object(
          { reason: Type.String({ minLength: 1, maxLength: 1000, description: 'why, as the person gives it' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Ref(RegisterEntrySummary),
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: problemResponse('REGISTER_ENTRY_NOT_FOUND'),
          409: problemResponse('REGISTER_NUMBER_CANCELLED: cancelled already'),
        },
      },
    },
    async (request) =>
      toEntrySummary(
        await cancelOutgoing(
          pool,
          principalOf(request),
          { ...request.params, reason: request.body.reason },
          topicNamespace,
        ),
      ),
  );

  app.get(
    '/v1/registers/outgoing/config',
    {
      schema: {
        tags: ['registers'],
        summary: "The series configuration the caller's office numbers under",
        response: { 200: SeriesConfigView, 401: unauthenticated, 403: forbidden },
      },
    },
    async (request) => toConfigView(await viewSeriesConfig(pool, principalOf(request))),
  );

  app.put(
    '/v1/registers/outgoing/config',
    {
      schema: {
        tags: ['registers'],
        summary: "Sets the caller's office's series configuration (registry); numbers given keep their series",
        body: Type.Ref(SeriesConfigBody),
        response: {
          200: SeriesConfigView,
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          422: problemResponse('REGISTER_CONFIG_INVALID'),
        },
      },
    },
    async (request) =>
      toConfigView(await changeSeriesConfig(pool, principalOf(request), request.body as StoredSeriesConfig)),
  );
}
