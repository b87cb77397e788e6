/** The export route (README "Export (BagIt)"): a streamed ustar archive holding one BagIt bag. */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { openBagExport } from '../export/bag-export.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const day = (description: string) =>
  Type.Optional(Type.String({ minLength: 1, maxLength: 10, description: `${description} (YYYY-MM-DD)` }));

/** Registers the export route. */
export async function exportRoutes(app: ServiceApp, options: { pool: Pool; store: ObjectStore }): Promise<void> {
  app.get(
    '/v1/exports/bag',
    {
      // A HEAD would audit an export and start a bag that is never sent: not offered.
      exposeHeadRoute: false,
      schema: {
        tags: ['exports'],
        summary:
          "A BagIt bag (RFC 8493) of one record, a file (hồ sơ) or a range of dates of the caller's office, as a streamed tar",
        querystring: Type.Object(
          {
            record: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a record id' })),
            file: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a file (hồ sơ) code' })),
            from: day('documents dated on or after'),
            to: day('documents dated on or before'),
          },
          { additionalProperties: false },
        ),
        produces: ['application/x-tar'],
        response: {
          200: {
            description: 'application/x-tar (ustar): the bag; cut short if a stored object does not match its package',
            content: { 'application/x-tar': { schema: Type.Unsafe<unknown>({ description: 'the tar' }) } },
          },
          400: problemResponse(
            'VALIDATION_FAILED or EXPORT_SELECTION_INVALID (none or several selections, a bad date, over 10,000 records)',
          ),
          401: unauthenticated,
          403: problemResponse('FORBIDDEN: only archivists export'),
          404: problemResponse("RECORD_NOT_FOUND: record= names no archived record of the caller's office"),
        },
      },
    },
    async (request, reply) => {
      const bag = await openBagExport(options, principalOf(request), request.query);
      bag.body.once('error', (err: unknown) =>
        request.log.error(
          { err, export: bag.id, office: bag.office },
          'archive: export cut: an object does not match its package, or the store failed',
        ),
      );
      return reply
        .type('application/x-tar')
        .header('content-disposition', `attachment; filename="lienthong-bag-${bag.id}.tar"`)
        .header('x-lienthong-bag-records', String(bag.records.length))
        .send(bag.body);
    },
  );
}
