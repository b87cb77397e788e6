/** The sender's view of its deliveries: per document, and per recipient office with status, times and overdue. */
import type { Pool } from '@lienthong/db';
import { AppError, principalOf, serviceErrors, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { deliveriesOfDocument, deliveryWithLegs, overdueDeliveries } from '../sender/sender-service.ts';
import {
  DeliverySummary,
  forbidden,
  IdParams,
  LegSummary,
  problemResponse,
  toDeliverySummary,
  toLegSummary,
  unauthenticated,
} from './schemas.ts';

const invalid = problemResponse('VALIDATION_FAILED: a parameter breaks its schema');

/** Registers the sender's routes. */
export async function deliveryRoutes(app: ServiceApp, options: { pool: Pool }): Promise<void> {
  const { pool } = options;
  app.addSchema(DeliverySummary);

  app.get(
    '/v1/deliveries',
    {
      schema: {
        tags: ['deliveries'],
        summary: "The caller's office's deliveries of one issued document, or those with overdue answers",
        querystring: Type.Object(
          {
            document: Type.Optional(Type.String({ minLength: 1, maxLength: 128, description: 'the document id' })),
            overdue: Type.Optional(
              Type.Literal(true, { description: 'true: the deliveries with legs overdue now, latest deadline first' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 100, description: 'with overdue' }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ deliveries: Type.Array(Type.Ref(DeliverySummary)) }),
          400: problemResponse(
            'VALIDATION_FAILED, BAD_REQUEST: a parameter breaks its schema, or not one of document and overdue',
          ),
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => {
      const { document, overdue, limit } = request.query;
      // Exactly one of the two: a document's delivery, or the overdue ones.
      if ((document === undefined) === (overdue === undefined)) {
        throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'give either document or overdue=true' });
      }
      const found =
        document === undefined
          ? await overdueDeliveries(pool, principalOf(request), limit)
          : await deliveriesOfDocument(pool, principalOf(request), document);
      return { deliveries: found.map(toDeliverySummary) };
    },
  );

  app.get(
    '/v1/deliveries/:id',
    {
      schema: {
        tags: ['deliveries'],
        summary: 'One delivery: per recipient office its status, times and overdue flag, by recipient code',
        params: IdParams,
        querystring: Type.Object(
          {
            after: Type.Optional(
              Type.String({ minLength: 1, maxLength: 64, description: 'nextAfter of the page before' }),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 5000, default: 1000 }),
            overdue: Type.Optional(
              Type.Literal(true, { description: 'true: only the legs overdue now (noted, unanswered)' }),
            ),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            delivery: Type.Ref(DeliverySummary),
            legs: Type.Array(LegSummary),
            nextAfter: Type.Union([Type.String(), Type.Null()]),
          }),
          400: invalid,
          401: unauthenticated,
          403: forbidden,
          404: problemResponse('DELIVERY_NOT_FOUND: the caller’s office sent no such delivery'),
        },
      },
    },
    async (request) => {
      const now = new Date();
      const { after, limit, overdue } = request.query;
      const found = await deliveryWithLegs(
        pool,
        principalOf(request),
        request.params.id,
        { limit, ...(after === undefined ? {} : { after }), ...(overdue === undefined ? {} : { overdue }) },
        now,
      );
      return {
        delivery: toDeliverySummary(found),
        legs: found.legs.map((leg) => toLegSummary(leg, found.delivery.deadline, now)),
        nextAfter: found.nextAfter,
      };
    },
  );
}
