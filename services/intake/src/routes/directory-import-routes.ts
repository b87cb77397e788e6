/**
 * `POST /v1/directory/imports`: offices, people and recipient groups from a JSON document,
 * or offices from CSV (`text/csv`, services/intake/README.md "Import"), added or changed
 * in one transaction with their `directory.changed` events (a directory-admin, within
 * their committee's subtree). Bodies up to `maxImportBytes`.
 */
import { AppError, principalOf, serviceErrors, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { Pool } from '@lienthong/db';
import { DirectoryImportBody, type DirectoryInput } from '../directory/directory-document.ts';
import { importDirectory } from '../directory/directory-import.ts';
import { bodyValidationError } from './body-problems.ts';
import { mediaTypeOf, problemResponse, unauthenticated } from './schemas.ts';

/** The largest import body: a national directory of every commune with its people fits. */
export const maxImportBytes = 8 * 1024 * 1024;

const ImportResult = Type.Object({
  summary: Type.Object({
    officesCreated: Type.Integer(),
    officesUpdated: Type.Integer(),
    officesUnchanged: Type.Integer(),
    people: Type.Integer({ description: 'people created or changed' }),
    groups: Type.Integer({ description: 'groups created or changed' }),
  }),
  events: Type.Integer({ description: 'directory.changed events published; 0 when nothing changed' }),
});

/** Registers the import route. */
export async function directoryImportRoutes(
  app: ServiceApp,
  options: { pool: Pool; topicNamespace: string },
): Promise<void> {
  const { pool, topicNamespace } = options;
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: maxImportBytes }, (_request, body, done) =>
    done(null, body),
  );

  app.post(
    '/v1/directory/imports',
    {
      bodyLimit: maxImportBytes,
      // Every schema error of a file is listed (body-problems.ts), not only the first.
      attachValidation: true,
      schema: {
        tags: ['directory'],
        summary: 'Import offices, people and recipient groups (a directory-admin, within their subtree)',
        description:
          'application/json: { offices, people, groups }; text/csv: offices (columns code,name,abbreviation,level[,parent][,seal_key][,active]). All or nothing; importing the same file again changes and publishes nothing.',
        body: {
          content: {
            'application/json': { schema: DirectoryImportBody },
            'text/csv': { schema: Type.String({ description: 'offices, one a row, with a header row' }) },
          },
        },
        response: {
          200: ImportResult,
          400: problemResponse('VALIDATION_FAILED, MALFORMED_BODY, DIRECTORY_CSV_MALFORMED (problems)'),
          401: unauthenticated,
          403: problemResponse(
            'FORBIDDEN (not a directory-admin), DIRECTORY_OUT_OF_SCOPE (offices), DIRECTORY_CALLER_UNKNOWN',
          ),
          413: problemResponse('PAYLOAD_TOO_LARGE: over 8 MiB'),
          415: problemResponse('UNSUPPORTED_MEDIA_TYPE: not application/json or text/csv'),
          422: problemResponse('DIRECTORY_INVALID: the rules the file breaks, each with its pointer (and CSV line)'),
        },
      },
    },
    async (request) => {
      const mediaType = mediaTypeOf(request.headers['content-type']);
      const principal = principalOf(request);
      if (request.validationError !== undefined)
        throw bodyValidationError(DirectoryImportBody, request.body, request.validationError);
      if (mediaType === 'text/csv')
        return importDirectory(pool, principal, { kind: 'csv', text: request.body as string }, topicNamespace);
      if (mediaType !== 'application/json')
        throw new AppError(serviceErrors.UNSUPPORTED_MEDIA_TYPE, { detail: 'send application/json or text/csv' });
      return importDirectory(pool, principal, { kind: 'json', input: request.body as DirectoryInput }, topicNamespace);
    },
  );
}
