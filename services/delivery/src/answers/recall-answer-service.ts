/**
 * The recipient's answer to a recall (thu hồi): accepted (15: the document leaves the
 * inbox's list, still readable by id with its history) or refused with a reason (16). One
 * transaction: the leg, its history and `delivery.status-changed` (business type recall) in
 * the outbox. Only the caller's own office's entries, only once, only when a recall was asked.
 */
import { enqueueEvents, withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { AppError, serviceErrors } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { statusChangedEvent } from '../deliveries/delivery-events.ts';
import { appendLegEvents } from '../deliveries/delivery-repository.ts';
import type { InboxEntry } from '../deliveries/leg-repository.ts';
import { answerLegRecall } from '../deliveries/recall-repository.ts';
import { deliveryErrors } from '../errors.ts';
import { inboxUsers, requireEntry } from '../inbox/inbox-service.ts';
import type { DeliveryTopics } from '../topics.ts';
import { checkReason } from './answer-service.ts';

/** What a recall answer needs. */
export interface RecallAnswerDeps {
  pool: Pool;
  topics: DeliveryTopics;
  now?: () => Date;
}

/** The answer: accept, or refuse with a reason (a reason may go with an acceptance too). */
export interface RecallAnswer {
  accept: boolean;
  reason?: string;
}

/** Answers the recall of the caller's entry `id`: 15 when accepted, 16 with the reason when refused. */
export async function answerRecall(
  deps: RecallAnswerDeps,
  principal: Principal,
  id: string,
  answer: RecallAnswer,
): Promise<InboxEntry> {
  requireRoleOf(principal, ...inboxUsers);
  if (!answer.accept && answer.reason === undefined)
    throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'a refusal of a recall needs a reason' });
  if (answer.reason !== undefined) checkReason(answer.reason);
  const at = (deps.now ?? (() => new Date()))();
  return withTransaction(deps.pool, async (client) => {
    const entry = await requireEntry(client, principal, id, true);
    const current = entry.leg.status;
    if (current === '15' || current === '16')
      throw new AppError(deliveryErrors.RECALL_ALREADY_ANSWERED, { extra: { current } });
    if (current !== '13') throw new AppError(deliveryErrors.RECALL_NOT_ASKED, { extra: { current } });
    const status = answer.accept ? '15' : '16';
    const leg = (await answerLegRecall(client, entry.leg.id, {
      status,
      at,
      refusalReason: answer.accept ? null : (answer.reason ?? null),
    }))!;
    const event = statusChangedEvent(deps.topics, entry.delivery, leg, answer.reason);
    await appendLegEvents(client, [
      {
        legId: leg.id,
        event: answer.accept ? 'take-back-accepted' : 'take-back-refused',
        code: status,
        at,
        by: principal.subject,
        reason: answer.reason ?? null,
        eventId: event.envelope.id,
      },
    ]);
    await enqueueEvents(client, [event]);
    return { ...entry, leg };
  });
}
