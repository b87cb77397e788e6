/**
 * Retrieval routes (README "Retrieval"): a record's package manifest, its original PDF and
 * any object of its package by manifest name, streamed from the archive bucket at the
 * recorded version, with one HTTP byte range; every read audited.
 */
import type { Pool } from '@lienthong/db';
import { AppError, principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { ObjectStore } from '@lienthong/storage';
import { archiveErrors } from '../errors.ts';
import { manifestEntryOf, packageObjects } from '../packages/archive-package.ts';
import { openObject, readPackage } from '../retrieval/retrieval-service.ts';
import { forbidden, IdParams, problemResponse, unauthenticated } from './schemas.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';

const ObjectEntry = Type.Object({
  name: Type.String(),
  key: Type.String(),
  versionId: Type.String(),
  sha256: Type.String({ description: 'hex SHA-256 of the bytes' }),
  size: Type.Integer(),
  mediaType: Type.String(),
});

const PackageAnswer = Type.Object({
  recordId: Type.String(),
  bucket: Type.String(),
  retentionClass: Type.String(),
  retainUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'null: permanent' }),
  lockedUntil: Type.String({ format: 'date-time', description: 'the COMPLIANCE retain-until of every object' }),
  legalHold: Type.Boolean(),
  validation: Type.Object({
    indication: Type.String(),
    subIndication: Type.Union([Type.String(), Type.Null()]),
  }),
  ingestedAt: Type.String({ format: 'date-time' }),
  manifest: Type.Object({ name: Type.String(), versionId: Type.String(), sha256: Type.String() }),
  objects: Type.Array(ObjectEntry, { description: 'every object of the package, the manifest included, by name' }),
});

/** An object name as manifests write them; anything else never reaches a lookup. */
const ObjectParams = Type.Object({
  id: IdParams.properties.id,
  // Up to four segments (`evidence/<delivery>/<batch>.json`, its slashes sent as %2F), each starting with a letter
  // or digit, so no `..` or empty segment; the name is only ever looked up among the package's rows.
  name: Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,3}$',
    description: 'an object name of the manifest',
  }),
});

const notFound = problemResponse(
  "RECORD_NOT_FOUND: not a record of the caller's office (or not archived yet); RECORD_OBJECT_NOT_FOUND",
);

const streamed = (what: string) => ({
  200: {
    description: `${what}, whole (cut short, never completed, if the stored bytes do not match the package)`,
    content: { 'application/octet-stream': { schema: Type.Unsafe<unknown>({ description: 'the bytes' }) } },
  },
  206: {
    description: 'the one range asked (Content-Range)',
    content: { 'application/octet-stream': { schema: Type.Unsafe<unknown>({ description: 'the bytes' }) } },
  },
  400: problemResponse('VALIDATION_FAILED: a parameter breaks its schema'),
  401: unauthenticated,
  403: forbidden,
  404: notFound,
  416: problemResponse(
    'RANGE_NOT_SATISFIABLE: a malformed range or one outside the object (Content-Range: bytes */size)',
  ),
  503: problemResponse('RECORD_CONTENT_UNAVAILABLE: the object store could not give it now'),
});

/** Registers the retrieval routes. */
export async function retrievalRoutes(app: ServiceApp, options: { pool: Pool; store: ObjectStore }): Promise<void> {
  const deps = { pool: options.pool, store: options.store };

  async function sendObject(request: FastifyRequest, reply: FastifyReply, id: string, name: string) {
    let opened;
    try {
      opened = await openObject(deps, principalOf(request), id, name, request.headers.range);
    } catch (error) {
      if (error instanceof AppError && error.code === archiveErrors.RANGE_NOT_SATISFIABLE.code)
        reply.header('content-range', `bytes */${String(error.extra.size)}`);
      throw error;
    }
    const { object, range, body } = opened;
    body.once('error', (err: unknown) =>
      request.log.error(
        { err, recordId: id, object: object.key, versionId: object.versionId },
        'archive: an object read back does not match its package; the response was cut',
      ),
    );
    reply
      .type(object.mediaType)
      .header('accept-ranges', 'bytes')
      .header('etag', `"${object.sha256}"`)
      .header('repr-digest', `sha-256=:${Buffer.from(object.sha256, 'hex').toString('base64')}:`)
      .header('content-disposition', `attachment; filename="${object.name}"`);
    if (range === undefined) return reply.header('content-length', String(object.size)).send(body);
    return reply
      .code(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${object.size}`)
      .header('content-length', String(range.end - range.start + 1))
      .send(body);
  }

  app.get(
    '/v1/records/:id/package',
    {
      schema: {
        tags: ['records'],
        summary: "A record's package: every object with its version and SHA-256, the retention and the hold",
        params: IdParams,
        response: {
          200: PackageAnswer,
          400: problemResponse('VALIDATION_FAILED: a parameter breaks its schema'),
          401: unauthenticated,
          403: forbidden,
          404: notFound,
        },
      },
    },
    async (request) => {
      const { package: pkg, objects } = await readPackage(options.pool, principalOf(request), request.params.id);
      return {
        recordId: pkg.recordId,
        bucket: pkg.manifest.bucket,
        retentionClass: pkg.retentionClass,
        retainUntil: pkg.retainUntil?.toISOString() ?? null,
        lockedUntil: pkg.lockedUntil.toISOString(),
        legalHold: pkg.legalHold,
        validation: pkg.validation,
        ingestedAt: pkg.ingestedAt.toISOString(),
        // The newest manifest version (manifest-<n>.json once evidence or a renewal was added), named as its key ends.
        manifest: {
          name: pkg.manifest.key.slice(pkg.manifest.key.lastIndexOf('/') + 1),
          versionId: pkg.manifest.versionId,
          sha256: pkg.manifest.sha256,
        },
        objects: objects.map(manifestEntryOf),
      };
    },
  );

  app.get(
    '/v1/records/:id/original',
    {
      // A HEAD would open the object and audit a read that sends nothing: not offered.
      exposeHeadRoute: false,
      schema: {
        tags: ['records'],
        summary: 'The original PDF at its archived version, whole (checked against its SHA-256) or one byte range',
        params: IdParams,
        produces: ['application/pdf'],
        response: streamed('the PDF'),
      },
    },
    (request, reply) => sendObject(request, reply, request.params.id, packageObjects.document),
  );

  app.get(
    '/v1/records/:id/objects/:name',
    {
      // A HEAD would open the object and audit a read that sends nothing: not offered.
      exposeHeadRoute: false,
      schema: {
        tags: ['records'],
        summary: "Any object of a record's package by its manifest name, whole or one byte range",
        params: ObjectParams,
        response: streamed('the object'),
      },
    },
    (request, reply) => sendObject(request, reply, request.params.id, request.params.name),
  );
}
