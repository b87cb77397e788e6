/** Retention and disposition routes: due records, dispositions proposed, approved, rejected, shown; legal holds. */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { Disposition } from '../dispositions/disposition-repository.ts';
import type { DispositionDeps } from '../dispositions/disposition-service.ts';
import {
  approve,
  listDue,
  listOfficeDispositions,
  maxDispositionRecords,
  propose,
  reject,
  showDisposition,
} from '../dispositions/disposition-service.ts';
import { changeHold } from '../dispositions/legal-hold.ts';
import { IdParams, problemResponse, unauthenticated } from './schemas.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const Reason = Type.String({ minLength: 1, maxLength: 1000, description: 'why, as the person gives it' });

const dispositionStates = ['proposed', 'approved', 'rejected', 'done'] as const;
const DispositionState = Type.Union(dispositionStates.map((s) => Type.Literal(s)));

const DispositionSchema = Type.Object(
  {
    id: Type.String(),
    office: Type.String(),
    state: DispositionState,
    reason: Type.String(),
    proposedBy: Type.String(),
    proposedAt: Type.String({ format: 'date-time' }),
    decidedBy: nullable(Type.String()),
    decidedAt: nullable(Type.String({ format: 'date-time' })),
    decisionReason: nullable(Type.String()),
    certificate: nullable(Type.Object({ key: Type.String(), versionId: Type.String(), sha256: Type.String() })),
    finishedAt: nullable(Type.String({ format: 'date-time' })),
    records: Type.Array(
      Type.Object({
        recordId: Type.String(),
        outcome: nullable(Type.Union([Type.Literal('disposed'), Type.Literal('refused')])),
        detail: nullable(Type.String()),
      }),
    ),
  },
  { $id: 'Disposition' },
);

const toDisposition = <T extends Omit<Disposition, 'records'>>(d: T) => ({
  ...d,
  proposedAt: d.proposedAt.toISOString(),
  decidedAt: d.decidedAt?.toISOString() ?? null,
  finishedAt: d.finishedAt?.toISOString() ?? null,
});

const forbidden = problemResponse(
  'FORBIDDEN: the caller lacks the role (archivist; archive-approver to decide), or DISPOSITION_SAME_PERSON',
);
const notFound = problemResponse('DISPOSITION_NOT_FOUND: no such disposition of the caller’s office');
const conflict = problemResponse('DISPOSITION_STATE: the disposition is not proposed (or is done)');

/** Registers the routes of retention, disposition and legal hold. */
export async function dispositionRoutes(app: ServiceApp, deps: DispositionDeps): Promise<void> {
  app.addSchema(DispositionSchema);

  app.get(
    '/v1/dispositions/due',
    {
      schema: {
        tags: ['dispositions'],
        summary:
          "Records the caller's office issued whose retention ended, not held, not permanent, not proposed (archivists)",
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            records: Type.Array(
              Type.Object({
                recordId: Type.String(),
                symbol: Type.String(),
                subject: Type.String(),
                issuedDate: Type.String({ format: 'date' }),
                retentionClass: Type.String(),
                retainUntil: Type.String({ format: 'date-time' }),
                lockedUntil: Type.String({ format: 'date-time', description: 'until when the store keeps it locked' }),
              }),
            ),
          }),
          400: problemResponse('VALIDATION_FAILED: limit out of 1-1000, or another parameter'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => ({
      records: (await listDue(deps, principalOf(request), request.query.limit)).map((r) => ({
        ...r,
        retainUntil: r.retainUntil.toISOString(),
        lockedUntil: r.lockedUntil.toISOString(),
      })),
    }),
  );

  app.post(
    '/v1/dispositions',
    {
      schema: {
        tags: ['dispositions'],
        summary: 'Propose the disposition (deletion) of due records of the caller’s office, with a reason (archivists)',
        body: Type.Object(
          {
            recordIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), {
              minItems: 1,
              maxItems: maxDispositionRecords,
            }),
            reason: Reason,
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Ref(DispositionSchema),
          400: problemResponse('VALIDATION_FAILED: the body out of its shape, ids not UUIDs or repeated, a bad reason'),
          401: unauthenticated,
          403: forbidden,
          409: problemResponse('DISPOSITION_RECORDS_NOT_DUE: records named that are not due, listed'),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(toDisposition(await propose(deps, principalOf(request), request.body))),
  );

  app.get(
    '/v1/dispositions',
    {
      schema: {
        tags: ['dispositions'],
        summary:
          "The dispositions of the caller's office, newest proposal first, by state (archivists and archive-approvers)",
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.String({
                maxLength: 100,
                pattern: `^(${dispositionStates.join('|')})(,(${dispositionStates.join('|')}))*$`,
                description:
                  'one state or several, comma-separated (proposed, approved, rejected, done); all when absent',
              }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
            cursor: Type.Optional(
              Type.String({ minLength: 1, maxLength: 200, description: 'nextCursor of the page before' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            dispositions: Type.Array(
              Type.Object({
                ...Type.Omit(DispositionSchema, ['records']).properties,
                recordCount: Type.Integer({ minimum: 1 }),
              }),
            ),
            nextCursor: nullable(Type.String()),
          }),
          400: problemResponse(
            'VALIDATION_FAILED: a state not among proposed, approved, rejected, done; limit out of 1-200; a cursor not handed out',
          ),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const { state, limit, cursor } = request.query;
      const page = await listOfficeDispositions(deps, principalOf(request), {
        states: state === undefined ? [] : ([...new Set(state.split(','))] as Disposition['state'][]),
        limit,
        ...(cursor === undefined ? {} : { cursor }),
      });
      return { dispositions: page.dispositions.map(toDisposition), nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/v1/dispositions/:id',
    {
      schema: {
        tags: ['dispositions'],
        summary: 'One disposition of the caller’s office, with each record’s outcome and the certificate',
        params: IdParams,
        response: { 200: Type.Ref(DispositionSchema), 401: unauthenticated, 403: forbidden, 404: notFound },
      },
    },
    async (request) => toDisposition(await showDisposition(deps, principalOf(request), request.params.id)),
  );

  app.post(
    '/v1/dispositions/:id/approve',
    {
      schema: {
        tags: ['dispositions'],
        summary:
          'Approve a proposed disposition (archive-approver, not its proposer): each record deleted from the store, the certificate kept',
        params: IdParams,
        response: {
          200: Type.Ref(DispositionSchema),
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: conflict,
        },
      },
    },
    async (request) => toDisposition(await approve(deps, principalOf(request), request.params.id)),
  );

  app.post(
    '/v1/dispositions/:id/reject',
    {
      schema: {
        tags: ['dispositions'],
        summary: 'Reject a proposed disposition with a reason (archive-approver, not its proposer)',
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: {
          200: Type.Ref(DispositionSchema),
          400: problemResponse('VALIDATION_FAILED: no reason, or a bad one'),
          401: unauthenticated,
          403: forbidden,
          404: notFound,
          409: conflict,
        },
      },
    },
    async (request) => toDisposition(await reject(deps, principalOf(request), request.params.id, request.body.reason)),
  );

  const HoldState = Type.Object({
    recordId: Type.String(),
    legalHold: Type.Boolean(),
    reason: nullable(Type.String()),
    permanent: Type.Boolean(),
    lockedUntil: Type.String({
      format: 'date-time',
      description: 'until when the store keeps every version locked; a hold extends it, a release never shortens it',
    }),
  });
  const toHoldState = (h: Awaited<ReturnType<typeof changeHold>>) => ({
    ...h,
    lockedUntil: h.lockedUntil.toISOString(),
  });
  const holdErrors = {
    401: unauthenticated,
    403: problemResponse('FORBIDDEN: the caller is not an archivist'),
    404: problemResponse('RECORD_NOT_FOUND: no record the caller’s office issued with this id'),
    409: problemResponse('RECORD_PERMANENT (release) or DISPOSITION_STATE (the record was disposed of)'),
  };

  app.put(
    '/v1/records/:id/hold',
    {
      schema: {
        tags: ['dispositions'],
        summary: 'Put a record the caller’s office issued under legal hold, with a reason (archivists)',
        params: IdParams,
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 200: HoldState, 400: problemResponse('VALIDATION_FAILED: no reason, or a bad one'), ...holdErrors },
      },
    },
    async (request) =>
      toHoldState(await changeHold(deps, principalOf(request), request.params.id, true, request.body.reason)),
  );

  app.delete(
    '/v1/records/:id/hold',
    {
      schema: {
        tags: ['dispositions'],
        summary: 'Release the legal hold of a record the caller’s office issued (archivists; not a permanent record)',
        params: IdParams,
        response: { 200: HoldState, ...holdErrors },
      },
    },
    async (request) => toHoldState(await changeHold(deps, principalOf(request), request.params.id, false)),
  );
}
