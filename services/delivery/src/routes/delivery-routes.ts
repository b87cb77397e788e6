/** The sender's view of its deliveries: per document, and per recipient office with status, times and overdue. */
import type { Pool } from '@lienthong/db';
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp } from '@lienthong/service';
import { deliveriesOfDocument, deliveryWithLegs } from '../sender/sender-service.ts';
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
        summary: "The caller's office's deliveries of one issued document",
        querystring: Type.Object(
          { document: Type.String({ minLength: 1, maxLength: 128, description: 'the document id' }) },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ deliveries: Type.Array(Type.Ref(DeliverySummary)) }),
          400: invalid,
          401: unauthenticated,
          403: forbidden,
        },
      },
    },
    async (request) => ({
      deliveries: (await deliveriesOfDocument(pool, principalOf(request), request.query.document)).map(
        toDeliverySummary,
      ),
    }),
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
      const { after, limit } = request.query;
      const found = await deliveryWithLegs(
        pool,
        principalOf(request),
        request.params.id,
        { limit, ...(after === undefined ? {} : { after }) },
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
