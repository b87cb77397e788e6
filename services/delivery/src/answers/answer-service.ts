/**
 * The recipient's answers: accept (the document enters the office's incoming register,
 * through intake, and the number is recorded with status 03), refuse with a reason (02),
 * and the processing statuses 04/05/06. Each change is one transaction: the leg, its
 * history and `delivery.status-changed` in the outbox. Only the caller's own office's
 * entries; an answer given already, or a change that may not follow, changes nothing. After
 * a recall refused (16) the recipient answers from where it stood when the recall was asked.
 */
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { findExchangeStatus, textProblem } from '@lienthong/records';
import { AppError, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { Leg } from '../deliveries/delivery.ts';
import { statusChangedEvent } from '../deliveries/delivery-events.ts';
import { appendLegEvents } from '../deliveries/delivery-repository.ts';
import { changeLegStatus } from '../deliveries/leg-repository.ts';
import type { InboxEntry, StatusChange } from '../deliveries/leg-repository.ts';
import { deliveryErrors } from '../errors.ts';
import { inboxUsers, requireEntry } from '../inbox/inbox-service.ts';
import type { DeliveryTopics } from '../topics.ts';
import type { IntakeClient } from './intake-client.ts';
import { allowedAfter, answeringFrom, reachableFrom } from './transitions.ts';
import type { ProcessingStatus } from './transitions.ts';

/** What the answers need besides the pool. */
export interface AnswerDeps {
  pool: Pool;
  topics: DeliveryTopics;
  intake: IntakeClient;
  now?: () => Date;
}

const answered = (status: string | null) =>
  new AppError(deliveryErrors.DELIVERY_ALREADY_ANSWERED, {
    detail: `the document stands at ${status}`,
    extra: { current: status },
  });

/** The event name of `code` in a leg's history (`accepted`, `in-progress`). */
const eventOf = (code: string): string => findExchangeStatus(code)?.name ?? code;

/**
 * Moves the caller's entry `id` from one of `from` (after a recall refused, where it stood
 * before the recall) to `change` in one transaction, with its history and
 * `delivery.status-changed`; `refuse` builds the error from its status and the one it
 * answers from when that is not one of `from`.
 */
async function applyChange(
  deps: AnswerDeps,
  principal: Principal,
  id: string,
  from: readonly string[],
  change: StatusChange,
  refuse: (status: string | null, answeringFrom: string | null) => AppError,
  detail?: Record<string, unknown>,
): Promise<{ entry: InboxEntry; leg: Leg }> {
  return withTransaction(deps.pool, async (client) => {
    const entry = await requireEntry(client, principal, id, true);
    const standing = answeringFrom(entry.leg.status, entry.leg.statusBeforeRecall);
    if (standing === null || !from.includes(standing)) throw refuse(entry.leg.status, standing);
    const leg = (await changeLegStatus(client, entry.leg.id, from, change))!;
    const reason = change.refusalReason ?? change.reason;
    const event = statusChangedEvent(deps.topics, entry.delivery, leg, reason);
    await appendLegEvents(client, [
      {
        legId: leg.id,
        event: eventOf(change.status),
        code: change.status,
        at: change.at,
        by: principal.subject,
        reason: reason ?? null,
        detail: detail ?? null,
        eventId: event.envelope.id,
      },
    ]);
    await enqueueEvents(client, [event]);
    return { entry: { ...entry, leg }, leg };
  });
}

/** A reason as a person gives it: 1–1000 characters of clean text; 400 otherwise. */
export function checkReason(reason: string): void {
  const problem = textProblem(reason, { maxLength: 1000 });
  if (problem !== undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: `reason ${problem}` });
}

/**
 * Accepts the caller's entry `id`: intake enters it in the office's incoming register (the
 * caller's own `authorization` relayed), then status 03 is recorded with the number. A
 * retry after a failure between the two gets the same number from intake.
 */
export async function acceptEntry(
  deps: AnswerDeps,
  principal: Principal,
  authorization: string,
  id: string,
): Promise<InboxEntry> {
  requireRoleOf(principal, ...inboxUsers);
  const current = await requireEntry(deps.pool, principal, id);
  if (answeringFrom(current.leg.status, current.leg.statusBeforeRecall) !== '01') throw answered(current.leg.status);
  deps.intake.ensureConfigured();
  const { delivery } = current;
  const incoming = await deps.intake.registerIncoming(authorization, {
    documentId: delivery.documentId,
    documentType: delivery.documentType,
    symbol: delivery.symbol,
    subject: delivery.subject,
  });
  const at = (deps.now ?? (() => new Date()))();
  const { entry } = await applyChange(
    deps,
    principal,
    id,
    ['01'],
    { status: '03', at, answered: true, incoming },
    answered,
    { incomingNumber: incoming.number, period: incoming.period },
  );
  return entry;
}

/** Refuses the caller's entry `id` with `reason` (Nghị định 30/2020, Điều 21): status 02. */
export async function refuseEntry(
  deps: AnswerDeps,
  principal: Principal,
  id: string,
  reason: string,
): Promise<InboxEntry> {
  requireRoleOf(principal, ...inboxUsers);
  checkReason(reason);
  const at = (deps.now ?? (() => new Date()))();
  const { entry } = await applyChange(
    deps,
    principal,
    id,
    ['01'],
    { status: '02', at, answered: true, refusalReason: reason },
    answered,
  );
  return entry;
}

/** Reports processing status `status` (04 assigned, 05 in progress, 06 completed) of the caller's entry `id`. */
export async function reportStatus(
  deps: AnswerDeps,
  principal: Principal,
  id: string,
  status: ProcessingStatus,
  reason?: string,
): Promise<InboxEntry> {
  requireRoleOf(principal, ...inboxUsers);
  if (reason !== undefined) checkReason(reason);
  const at = (deps.now ?? (() => new Date()))();
  const { entry } = await applyChange(
    deps,
    principal,
    id,
    reachableFrom[status],
    { status, at, ...(reason === undefined ? {} : { reason }) },
    (current, from) =>
      new AppError(deliveryErrors.DELIVERY_TRANSITION_NOT_ALLOWED, {
        detail: `${status} cannot follow ${current === from ? current : `${current} (from ${from})`}`,
        extra: { current, allowed: allowedAfter(from) },
      }),
  );
  return entry;
}
