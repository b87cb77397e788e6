/**
 * Cancelling a document (huỷ): a transition through libs/records' rules (`cancel`, with a
 * reason), recorded in the life record, with `document.cancelled` in the outbox, all in one
 * transaction. A state `cancel` cannot leave (cancelled, recalled, replaced) is 409.
 *
 * An issued document has a number: cancelling it is the one explicit, audited way a gap
 * appears in a register (libs/records document-states), so its outgoing register entry is
 * cancelled with it, and its `document.cancelled` carries the symbol, so that delivery asks
 * every recipient office to give it back (13), as a recall would. Both ways in — the
 * document's cancellation and the register's cancellation of its number — end here.
 */
import { createEnvelope } from '@lienthong/bus';
import { enqueueEvents, withTransaction, type Pool, type PoolClient } from '@lienthong/db';
import { checkAction, eventDefinitions, textProblem, validateEventData } from '@lienthong/records';
import type { DocumentCancelled } from '@lienthong/records';
import { AppError, roles, serviceErrors, type Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import {
  appendTransition,
  findDocument,
  setDocumentState,
  type StoredDocument,
} from '../documents/document-repository.ts';
import { intakeErrors } from '../errors.ts';
import { cancelNumber } from '../registers/numbering.ts';
import type { RegisterEntry } from '../registers/register-entry.ts';
import { findEntryOfDocument } from '../registers/register-repository.ts';
import { topicIn } from '../event-topics.ts';

/** A reason as the event carries it: one line (a register's reason may span lines), at most 1,000 characters. */
function oneLine(reason: string): string {
  const line = reason.replace(/\s+/gu, ' ').trim();
  return line.length > 1000 ? `${line.slice(0, 999)}…` : line;
}

/** `document.cancelled` v1 of `data`, checked against libs/records, keyed by the issuing office. */
function cancelledEvent(data: DocumentCancelled, namespace: string) {
  const definition = eventDefinitions.documentCancelled;
  const checked = validateEventData(definition.type, definition.version, data);
  if (!checked.ok) throw new Error(`${definition.type} of ${data.documentId}: ${JSON.stringify(checked.problems)}`);
  return {
    topic: topicIn(namespace, definition.topic),
    key: data.office,
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'intake',
      subject: data.documentId,
      data,
    }),
  };
}

/**
 * In the caller's transaction: `document` (locked) is cancelled for `reason` by `by` —
 * 409 DOCUMENT_TRANSITION_NOT_ALLOWED with `state` when `cancel` cannot leave its state —
 * with its transition and `document.cancelled` (with `symbol` when it had been issued).
 */
async function cancelLocked(
  client: PoolClient,
  document: StoredDocument,
  reason: string,
  by: string,
  symbol: string | undefined,
  namespace: string,
): Promise<StoredDocument> {
  const check = checkAction(document.state, 'cancel');
  if (!check.allowed)
    throw new AppError(intakeErrors.DOCUMENT_TRANSITION_NOT_ALLOWED, {
      detail: check.reason,
      extra: { state: document.state },
    });
  const event = cancelledEvent(
    {
      documentId: document.id,
      office: document.office,
      ...(symbol === undefined ? {} : { symbol }),
      reason: oneLine(reason),
      cancelledAt: new Date().toISOString(),
    },
    namespace,
  );
  const updated = await setDocumentState(client, document.id, check.transition.to);
  await appendTransition(client, document.id, {
    from: document.state,
    to: check.transition.to,
    action: check.transition.action,
    by,
    reason,
  });
  await enqueueEvents(client, [event]);
  return updated;
}

/**
 * Cancels the caller's office's document `id` for `reason` (an office-system or registry):
 * 400 BAD_REQUEST for a reason that is not clean text (lines allowed), 404 for none or
 * another office's. An issued document's number is cancelled in the register in the same
 * transaction (unless it was already), with the same reason.
 */
export async function cancelDocument(
  pool: Pool,
  principal: Principal,
  id: string,
  reason: string,
  namespace = '',
): Promise<StoredDocument> {
  requireRoleOf(principal, 'office-system', 'registry');
  const problem = textProblem(reason, { maxLength: 1000, multiline: true });
  if (problem !== undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: `reason ${problem}` });
  return withTransaction(pool, async (client) => {
    const document = await findDocument(client, principal.office, id, true);
    if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
    if (document.state !== 'issued')
      return cancelLocked(client, document, reason, principal.subject, undefined, namespace);
    const entry = await findEntryOfDocument(client, 'outgoing', document.office, document.id);
    if (entry === undefined || entry.office !== document.office)
      throw new Error(`document ${document.id} is issued without its register entry`);
    if (entry.state !== 'cancelled')
      await cancelNumber(client, {
        office: entry.office,
        series: entry.series,
        period: entry.period,
        number: entry.number,
        reason,
        by: principal.subject,
      });
    return cancelLocked(client, document, reason, principal.subject, entry.symbol, namespace);
  });
}

/**
 * Cancels a number of the caller's office's register (registry only), with the reason;
 * audited. A number whose document is issued (and so delivered) cancels that document in the
 * same transaction, as `cancelDocument` would: the register's reason (it may span lines)
 * becomes the event's one line. A document no longer issued (recalled, replaced) is left as
 * it is: only its number is cancelled.
 */
export async function cancelOutgoing(
  pool: Pool,
  principal: Principal,
  target: { series: string; period: string; number: number; reason: string },
  namespace = '',
): Promise<RegisterEntry> {
  requireRoleOf(principal, roles.registry);
  return withTransaction(pool, async (client) => {
    const entry = await cancelNumber(client, { ...target, office: principal.office, by: principal.subject });
    if (entry.issuedAt === null) return entry;
    const document = await findDocument(client, principal.office, entry.documentId, true);
    if (document?.state === 'issued')
      await cancelLocked(client, document, target.reason, principal.subject, entry.symbol, namespace);
    return entry;
  });
}
