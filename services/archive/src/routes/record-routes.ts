/** The catalog's read routes: a search of the caller's office's records, and one record's metadata. */
import { documentTypes } from '@lienthong/records';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { Pool } from '@lienthong/db';
import { searchCatalog } from '../catalog/catalog-service.ts';
import { readRecord } from '../retrieval/retrieval-service.ts';
import { forbidden, IdParams, problemResponse, RecordSummary, toRecordSummary, unauthenticated } from './schemas.ts';

const text = (description: string, maxLength = 100) =>
  Type.Optional(Type.String({ minLength: 1, maxLength, description }));
const day = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: `${description} (YYYY-MM-DD)` }));

/** Registers the catalog's routes. */
export async function recordRoutes(app: ServiceApp, options: { pool: Pool }): Promise<void> {
  const { pool } = options;
  app.addSchema(RecordSummary);

  app.get(
    '/v1/records',
    {
      schema: {
        tags: ['records'],
        summary:
          "Search the records the caller's office issued or received: by relevance when q is given, else newest first",
        querystring: Type.Object(
          {
            q: text(
              'words of the subject (trích yếu), diacritics optional; "quoted" words adjacent; at most 200 characters',
              1000,
            ),
            number: Type.Optional(Type.Integer({ minimum: 1, maximum: 2147483647 })),
            symbol: text('number and symbol, e.g. 12-CT/TU'),
            type: Type.Optional(Type.Union(documentTypes.map((t) => Type.Literal(t.code)))),
            office: Type.Optional(
              Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'issuing or receiving office' }),
            ),
            from: day('issued on or after'),
            to: day('issued on or before'),
            signer: text("the signer's name (diacritics optional) or subject", 200),
            status: text('the record status'),
            file: text('file (hồ sơ) code'),
            cursor: text('nextCursor of the page before', 300),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            records: Type.Array(
              Type.Intersect([
                Type.Ref(RecordSummary),
                Type.Object({ rank: Type.Union([Type.Number(), Type.Null()]) }),
              ]),
            ),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
            rankedWithin: Type.Union([Type.Integer(), Type.Null()], {
              description:
                'when q matched more records than are ranked: how many were, the newest matches (null: all were)',
            }),
          }),
          400: problemResponse('VALIDATION_FAILED, CATALOG_SEARCH_INVALID or CATALOG_CURSOR_INVALID'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const { cursor, limit, ...filters } = request.query;
      const page = await searchCatalog(pool, principalOf(request), filters, {
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return {
        office: page.office,
        records: page.records.map((r) => ({ ...toRecordSummary(r), rank: r.rank })),
        nextCursor: page.nextCursor,
        rankedWithin: page.rankedWithin,
      };
    },
  );

  app.get(
    '/v1/records/:id',
    {
      schema: {
        tags: ['records'],
        summary: "One record's metadata, if the caller's office issued or received it (the read is audited)",
        params: IdParams,
        response: {
          200: Type.Ref(RecordSummary),
          400: problemResponse('VALIDATION_FAILED: a parameter breaks its schema'),
          401: unauthenticated,
          403: forbidden,
          404: problemResponse("RECORD_NOT_FOUND: not a record of the caller's office"),
        },
      },
    },
    async (request) => toRecordSummary(await readRecord(pool, principalOf(request), request.params.id)),
  );
}
