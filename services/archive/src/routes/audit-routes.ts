/** The audit log's read routes: the caller's office's chain, page by page, and its head. */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { auditHeadOf, auditPage, checkpointPage } from '../audit/audit-service.ts';
import type { Queryable } from '../queryable.ts';
import { problemResponse, unauthenticated } from './schemas.ts';

const sha256 = Type.String({ pattern: '^[0-9a-f]{64}$' });

const office = Type.Optional(
  Type.String({
    pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
    description: "the caller's own office (any other is 403); without it, the caller's office",
  }),
);

/** An entry as the API shows it: every field its hash covers, and the hash. */
const AuditEntrySchema = Type.Object(
  {
    office: Type.String(),
    seq: Type.Integer({ minimum: 1, description: '1, 2, 3 … per office, no gaps' }),
    at: Type.String({ format: 'date-time' }),
    actor: Type.String({ description: "the principal's subject" }),
    action: Type.String({ description: 'one of the closed list (README "Audit log")' }),
    recordId: Type.Union([Type.String(), Type.Null()]),
    detail: Type.Unknown({ description: 'a small JSON object' }),
    prevHash: Type.Union([sha256, Type.Null()], { description: 'the hash of entry seq − 1; null for entry 1' }),
    hash: Type.String({ description: 'SHA-256 of the entry in RFC 8785 canonical JSON (libs/evidence)' }),
  },
  { $id: 'AuditEntry' },
);

const forbidden = problemResponse("FORBIDDEN: the caller is not an archivist, or named another office's log");

/** Registers the audit log's routes. */
export async function auditRoutes(app: ServiceApp, options: { pool: Queryable }): Promise<void> {
  const { pool } = options;
  app.addSchema(AuditEntrySchema);

  app.get(
    '/v1/audit',
    {
      schema: {
        tags: ['audit'],
        summary: "The caller's office's audit log in seq order, after `after`, at most `limit` entries (archivists)",
        querystring: Type.Object(
          {
            office,
            after: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            entries: Type.Array(Type.Ref(AuditEntrySchema)),
            nextAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'the after of the next page' }),
          }),
          400: problemResponse('VALIDATION_FAILED: after, limit or office out of their shapes, or another parameter'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => auditPage(pool, principalOf(request), request.query),
  );

  app.get(
    '/v1/audit/head',
    {
      schema: {
        tags: ['audit'],
        summary: "The last entry of the caller's office's audit log: seq (0 while empty), hash and time",
        querystring: Type.Object({ office }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            office: Type.String(),
            seq: Type.Integer({ minimum: 0 }),
            hash: Type.Union([sha256, Type.Null()]),
            at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
          }),
          400: problemResponse('VALIDATION_FAILED: office out of its shape, or another parameter'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => auditHeadOf(pool, principalOf(request), request.query.office),
  );

  app.get(
    '/v1/audit/checkpoints',
    {
      schema: {
        tags: ['audit'],
        summary:
          'Time-stamped heads of the caller\'s office\'s audit log, in seq order, after `after` (archivists; README "Audit log")',
        querystring: Type.Object(
          {
            office,
            after: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, default: 0 }),
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            checkpoints: Type.Array(
              Type.Object({
                seq: Type.Integer({ minimum: 1 }),
                hash: sha256,
                genTime: Type.String({ format: 'date-time' }),
                token: Type.String({
                  description:
                    'RFC 3161 TimeStampToken (DER, base64) over libs/evidence auditCheckpointRoot(office, { seq, hash })',
                }),
              }),
            ),
            nextAfter: Type.Union([Type.Integer(), Type.Null()], { description: 'the after of the next page' }),
          }),
          400: problemResponse('VALIDATION_FAILED: after, limit or office out of their shapes, or another parameter'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => checkpointPage(pool, principalOf(request), request.query),
  );
}
