/**
 * An office's webhook as its office system or registry manages it: register (the secret
 * made here and shown once), read (never the secret), remove, rotate the secret (the old
 * one still signs for a grace period), list what was sent and send one again. The access
 * rule: the caller's own office only (`self`), roles office-system or registry.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError, roles, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { WebhookConfig } from '../config.ts';
import { deliveryErrors } from '../errors.ts';
import { createSecretBox, newWebhookSecret } from './secret-box.ts';
import type { SecretBox } from './secret-box.ts';
import { webhookEventTypes } from './webhook-events.ts';
import type { WebhookEventType } from './webhook-events.ts';
import {
  deleteWebhook,
  findWebhook,
  listWebhookDeliveries,
  redeliver,
  rotateSecret,
  upsertWebhook,
} from './webhook-repository.ts';
import type { WebhookDeliveryRow, WebhookRow } from './webhook-repository.ts';
import { targetProblem } from './webhook-target.ts';

/** Who may manage an office's webhook. */
export const webhookManagers = [roles.officeSystem, roles.registry];

/** What the webhook service needs. */
export interface WebhookDeps {
  pool: Pool;
  config: WebhookConfig;
  /** Called after a redelivery commits (the dispatcher's wake). */
  wake?: () => void;
  now?: () => Date;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The box of `config`, or 503 WEBHOOKS_NOT_CONFIGURED without a key; after the role check. */
function boxOf(deps: WebhookDeps, principal: Principal): SecretBox {
  requireRoleOf(principal, ...webhookManagers);
  if (deps.config.key === undefined) throw new AppError(deliveryErrors.WEBHOOKS_NOT_CONFIGURED);
  return createSecretBox(deps.config.key);
}

const notFound = () => new AppError(deliveryErrors.WEBHOOK_NOT_FOUND);

/**
 * Registers the caller's office's webhook at `url` for `events`, or changes them (and turns
 * it on again after a 410). A new registration returns its secret, this once.
 */
export async function registerWebhook(
  deps: WebhookDeps,
  principal: Principal,
  input: { url: string; events: WebhookEventType[] },
): Promise<{ webhook: WebhookRow; secret?: string }> {
  const box = boxOf(deps, principal);
  const problem = targetProblem(input.url, deps.config);
  if (problem !== undefined) throw new AppError(deliveryErrors.WEBHOOK_URL_REFUSED, { detail: problem });
  const events = [...new Set(input.events)].filter((e) => webhookEventTypes.includes(e));
  if (events.length === 0) throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'events names no known event' });
  const secret = newWebhookSecret();
  const at = (deps.now ?? (() => new Date()))();
  const { row, created } = await upsertWebhook(deps.pool, {
    office: principal.office,
    url: input.url,
    events,
    secret: box.seal(principal.office, secret),
    at,
  });
  return created ? { webhook: row, secret } : { webhook: row };
}

/** The caller's office's webhook; 404 WEBHOOK_NOT_FOUND. */
export async function getWebhook(deps: WebhookDeps, principal: Principal): Promise<WebhookRow> {
  boxOf(deps, principal);
  const webhook = await findWebhook(deps.pool, principal.office);
  if (webhook === undefined) throw notFound();
  return webhook;
}

/** Removes the caller's office's webhook; what was still to be sent fails. */
export async function removeWebhook(deps: WebhookDeps, principal: Principal): Promise<void> {
  boxOf(deps, principal);
  const at = (deps.now ?? (() => new Date()))();
  const removed = await withTransaction(deps.pool, (client) => deleteWebhook(client, principal.office, at));
  if (!removed) throw notFound();
}

/** A new secret for the caller's office's webhook, shown this once; the old one signs too until the grace ends. */
export async function rotateWebhookSecret(
  deps: WebhookDeps,
  principal: Principal,
): Promise<{ webhook: WebhookRow; secret: string }> {
  const box = boxOf(deps, principal);
  const secret = newWebhookSecret();
  const at = (deps.now ?? (() => new Date()))();
  const until = new Date(at.getTime() + deps.config.rotationGraceSeconds * 1000);
  const webhook = await rotateSecret(deps.pool, principal.office, box.seal(principal.office, secret), at, until);
  if (webhook === undefined) throw notFound();
  return { webhook, secret };
}

/** The caller's office's webhook deliveries, newest first. */
export async function webhookDeliveries(
  deps: WebhookDeps,
  principal: Principal,
  query: { state?: string; limit: number },
): Promise<WebhookDeliveryRow[]> {
  boxOf(deps, principal);
  return listWebhookDeliveries(deps.pool, principal.office, query.state, query.limit);
}

/** Sends the caller's office's webhook delivery `id` again (same id: the receiver de-duplicates). */
export async function redeliverWebhook(
  deps: WebhookDeps,
  principal: Principal,
  id: string,
): Promise<WebhookDeliveryRow> {
  boxOf(deps, principal);
  const at = (deps.now ?? (() => new Date()))();
  const row = uuidPattern.test(id) ? await redeliver(deps.pool, principal.office, id, at) : undefined;
  if (row === undefined) throw new AppError(deliveryErrors.WEBHOOK_DELIVERY_NOT_FOUND);
  deps.wake?.();
  return row;
}
