/** Fixity's routes: the caller's office's failed checks and last run, a run of its records started now, one run. */
import { AppError, principalOf, serviceErrors, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import type { FixityKeeper } from '../fixity/fixity-keeper.ts';
import type { FixityRun } from '../fixity/fixity-repository.ts';
import { fixityOverview, fixityRunOf, requestFixityRun } from '../fixity/fixity-service.ts';
import type { Queryable } from '../queryable.ts';
import { IdParams, problemResponse, unauthenticated } from './schemas.ts';

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const FixityRunSchema = Type.Object(
  {
    id: Type.String(),
    location: Type.String(),
    office: nullable(Type.String({ description: 'the office whose records it checks; null: every record' })),
    requestedBy: nullable(Type.String({ description: 'the archivist who asked; null: the schedule' })),
    startedAt: Type.String({ format: 'date-time' }),
    finishedAt: nullable(Type.String({ format: 'date-time' })),
    checked: Type.Integer(),
    failed: Type.Integer(),
    bytesRead: Type.Integer(),
    error: nullable(Type.String({ description: 'why it stopped before its end' })),
  },
  { $id: 'FixityRun' },
);

const digest = Type.Object({ sha256: nullable(Type.String()), size: nullable(Type.Integer()) });

const toRun = (run: FixityRun) => ({
  ...run,
  startedAt: run.startedAt.toISOString(),
  finishedAt: run.finishedAt?.toISOString() ?? null,
});

const forbidden = problemResponse('FORBIDDEN: the caller is not an archivist');

/** Registers fixity's routes. */
export async function fixityRoutes(app: ServiceApp, options: { pool: Queryable; keeper: FixityKeeper }): Promise<void> {
  const { pool, keeper } = options;
  app.addSchema(FixityRunSchema);

  app.get(
    '/v1/fixity',
    {
      schema: {
        tags: ['fixity'],
        summary:
          "The objects of the caller's office's records whose last fixity check failed, and the last run that covered them (archivists)",
        querystring: Type.Object(
          { limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            office: Type.String(),
            failures: Type.Array(
              Type.Object({
                recordId: Type.String(),
                name: Type.String({ description: "the object's name in the package" }),
                location: Type.String(),
                outcome: Type.Union([Type.Literal('mismatch'), Type.Literal('missing'), Type.Literal('unreadable')]),
                checkedAt: Type.String({ format: 'date-time' }),
                expected: digest,
                found: digest,
                detail: nullable(Type.String()),
              }),
            ),
            lastRun: nullable(Type.Ref(FixityRunSchema)),
          }),
          400: problemResponse('VALIDATION_FAILED: limit out of 1-1000, or another parameter'),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const overview = await fixityOverview(pool, principalOf(request), request.query.limit);
      return {
        office: overview.office,
        failures: overview.failures.map((f) => ({ ...f, checkedAt: f.checkedAt.toISOString() })),
        lastRun: overview.lastRun === null ? null : toRun(overview.lastRun),
      };
    },
  );

  app.post(
    '/v1/fixity/runs',
    {
      schema: {
        tags: ['fixity'],
        summary:
          "Start a fixity run of the caller's office's records now: each of their objects read back once (archivists); it goes on after the answer",
        response: {
          202: Type.Ref(FixityRunSchema),
          400: problemResponse('VALIDATION_FAILED: a body other than {} or none, or not JSON'),
          401: unauthenticated,
          403: forbidden,
          409: problemResponse("FIXITY_RUN_IN_PROGRESS: a run of the office's records is going"),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      // No body, or an empty object: a run takes nothing from the request (its scope is the token's office).
      const body = request.body;
      const empty = body === undefined || body === null || (typeof body === 'object' && Object.keys(body).length === 0);
      if (!empty)
        throw new AppError(serviceErrors.VALIDATION_FAILED, {
          detail: 'a fixity run takes no parameters: send no body or {}',
        });
      const run = await requestFixityRun(pool, keeper, principal);
      return reply.code(202).send(toRun(run));
    },
  );

  app.get(
    '/v1/fixity/runs/:id',
    {
      schema: {
        tags: ['fixity'],
        summary: "One fixity run that covered the caller's office's records (archivists)",
        params: IdParams,
        response: {
          200: Type.Ref(FixityRunSchema),
          401: unauthenticated,
          403: forbidden,
          404: problemResponse('FIXITY_RUN_NOT_FOUND: no such run of the office or of every record'),
        },
      },
    },
    async (request) => toRun(await fixityRunOf(pool, principalOf(request), request.params.id)),
  );
}
