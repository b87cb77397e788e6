/**
 * Cancelling a document (huỷ): a transition through libs/records' rules (`cancel`, with a
 * reason), recorded in the life record in the same transaction as the state change. A
 * state `cancel` cannot leave (cancelled, recalled, replaced) is 409.
 */
import { withTransaction, type Pool } from '@lienthong/db';
import { checkAction } from '@lienthong/records';
import { AppError, type Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { intakeErrors } from '../errors.ts';
import { appendTransition, findDocument, setDocumentState, type StoredDocument } from './document-repository.ts';

/** Cancels the caller's office's document `id` for `reason` (an office-system or registry). */
export async function cancelDocument(
  pool: Pool,
  principal: Principal,
  id: string,
  reason: string,
): Promise<StoredDocument> {
  requireRoleOf(principal, 'office-system', 'registry');
  return withTransaction(pool, async (client) => {
    const document = await findDocument(client, principal.office, id, true);
    if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
    const check = checkAction(document.state, 'cancel');
    if (!check.allowed)
      throw new AppError(intakeErrors.DOCUMENT_TRANSITION_NOT_ALLOWED, {
        detail: check.reason,
        extra: { state: document.state },
      });
    const { transition } = check;
    const updated = await setDocumentState(client, id, transition.to);
    await appendTransition(client, id, {
      from: document.state,
      to: transition.to,
      action: transition.action,
      by: principal.subject,
      reason,
    });
    return updated;
  });
}
