/**
 * The caller's office's webhook (`self`: the token's office, never a path's): register,
 * read, remove, rotate the secret, list what was sent, send one again.
 */
import { principalOf, Type } from '@lienthong/service';
import type { ServiceApp, Static } from '@lienthong/service';
import { webhookEventTypes } from '../webhooks/webhook-events.ts';
import type { WebhookDeliveryRow, WebhookRow } from '../webhooks/webhook-repository.ts';
import {
  getWebhook,
  redeliverWebhook,
  registerWebhook,
  removeWebhook,
  rotateWebhookSecret,
  webhookDeliveries,
} from '../webhooks/webhook-service.ts';
import type { WebhookDeps } from '../webhooks/webhook-service.ts';
import { forbidden, IdParams, problemResponse, unauthenticated } from './schemas.ts';

const DateTimeText = Type.String({ format: 'date-time' });
const EventType = Type.Union(webhookEventTypes.map((e) => Type.Literal(e)));

const Webhook = Type.Object(
  {
    office: Type.String(),
    url: Type.String(),
    events: Type.Array(Type.String()),
    enabled: Type.Boolean({ description: 'false after the receiver answered 410 Gone (PUT again to turn it on)' }),
    disabledReason: Type.Union([Type.String(), Type.Null()]),
    previousSecretValidUntil: Type.Union([DateTimeText, Type.Null()]),
    createdAt: DateTimeText,
    updatedAt: DateTimeText,
    secret: Type.Optional(
      Type.String({ description: 'whsec_<base64 of 32 bytes>: only in the answer that made it, never again' }),
    ),
  },
  { $id: 'Webhook' },
);

const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'the webhook-id header: the same on every retry' }),
  type: Type.String(),
  occurredAt: DateTimeText,
  data: Type.Record(Type.String(), Type.Unknown()),
  state: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
  attempts: Type.Integer(),
  nextAttemptAt: Type.Union([DateTimeText, Type.Null()]),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTimeText,
  doneAt: Type.Union([DateTimeText, Type.Null()]),
});

const toWebhook = (w: WebhookRow, secret?: string): Static<typeof Webhook> => ({
  office: w.office,
  url: w.url,
  events: w.events,
  enabled: w.enabled,
  disabledReason: w.disabled_reason,
  previousSecretValidUntil: w.previous_secret === null ? null : (w.previous_until?.toISOString() ?? null),
  createdAt: w.created_at.toISOString(),
  updatedAt: w.updated_at.toISOString(),
  ...(secret === undefined ? {} : { secret }),
});

const toDelivery = (d: WebhookDeliveryRow): Static<typeof WebhookDelivery> => ({
  id: d.id,
  type: d.type,
  occurredAt: d.occurred_at.toISOString(),
  data: d.data,
  state: d.state,
  attempts: d.attempts,
  nextAttemptAt: d.state === 'pending' ? d.next_attempt_at.toISOString() : null,
  lastStatus: d.last_status,
  lastError: d.last_error,
  createdAt: d.created_at.toISOString(),
  doneAt: d.done_at?.toISOString() ?? null,
});

const common = {
  401: unauthenticated,
  403: forbidden,
  503: problemResponse('WEBHOOKS_NOT_CONFIGURED: no LIENTHONG_DELIVERY_WEBHOOK_KEY'),
};
const none = problemResponse("WEBHOOK_NOT_FOUND: the caller's office has no webhook");

/** Registers the webhook routes. */
export async function webhookRoutes(app: ServiceApp, deps: WebhookDeps): Promise<void> {
  app.addSchema(Webhook);
  const answer = Type.Ref(Webhook);

  app.put(
    '/v1/webhooks/self',
    {
      bodyLimit: 8192,
      schema: {
        tags: ['webhooks'],
        summary: "Registers (201, with the secret shown once) or changes (200) the caller's office's webhook",
        body: Type.Object(
          {
            url: Type.String({ minLength: 1, maxLength: 2048, description: 'https (http only to loopback)' }),
            events: Type.Array(EventType, { minItems: 1, maxItems: 8, default: ['inbox.document-arrived'] }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: answer,
          201: answer,
          400: problemResponse('VALIDATION_FAILED, MALFORMED_BODY or WEBHOOK_URL_REFUSED: nothing was changed'),
          413: problemResponse('PAYLOAD_TOO_LARGE: the body is over 8 KB'),
          ...common,
        },
      },
    },
    async (request, reply) => {
      const { webhook, secret } = await registerWebhook(deps, principalOf(request), request.body);
      return reply.code(secret === undefined ? 200 : 201).send(toWebhook(webhook, secret));
    },
  );

  app.get(
    '/v1/webhooks/self',
    {
      schema: {
        tags: ['webhooks'],
        summary: "The caller's office's webhook, without its secret",
        response: { 200: answer, 404: none, ...common },
      },
    },
    async (request) => toWebhook(await getWebhook(deps, principalOf(request))),
  );

  app.delete(
    '/v1/webhooks/self',
    {
      schema: {
        tags: ['webhooks'],
        summary: "Removes the caller's office's webhook; what was still to be sent fails",
        response: { 204: Type.Null(), 404: none, ...common },
      },
    },
    async (request, reply) => {
      await removeWebhook(deps, principalOf(request));
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/v1/webhooks/self/secret',
    {
      schema: {
        tags: ['webhooks'],
        summary:
          'A new secret, shown once; the old one still signs (a second signature) until previousSecretValidUntil',
        response: { 200: answer, 404: none, ...common },
      },
    },
    async (request) => {
      const { webhook, secret } = await rotateWebhookSecret(deps, principalOf(request));
      return toWebhook(webhook, secret);
    },
  );

  app.get(
    '/v1/webhooks/self/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: "What the caller's office's webhook was sent, or is to be sent, newest first",
        querystring: Type.Object(
          {
            state: Type.Optional(
              Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('failed')]),
            ),
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({ deliveries: Type.Array(WebhookDelivery) }),
          400: problemResponse('VALIDATION_FAILED: a parameter breaks its schema'),
          ...common,
        },
      },
    },
    async (request) => ({
      deliveries: (await webhookDeliveries(deps, principalOf(request), request.query)).map(toDelivery),
    }),
  );

  app.post(
    '/v1/webhooks/self/deliveries/:id/redelivery',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Sends a webhook delivery again, with the same id, now and with a fresh count of attempts',
        params: IdParams,
        response: {
          202: WebhookDelivery,
          404: problemResponse("WEBHOOK_DELIVERY_NOT_FOUND: the caller's office has no such webhook delivery"),
          ...common,
        },
      },
    },
    async (request, reply) =>
      reply.code(202).send(toDelivery(await redeliverWebhook(deps, principalOf(request), request.params.id))),
  );
}
