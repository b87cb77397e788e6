/**
 * Recalling (thu hồi) and replacing an issued document: a transition through libs/records'
 * rules (`recall`: issued → recalled; `replace`: issued → replaced, both with a reason),
 * recorded in the life record, with `document.recalled` or `document.replaced` in the
 * outbox, all in one transaction. Delivery asks every recipient office to answer the recall
 * (services/delivery README, "Recall and replace"). The replacing document must be one the
 * same office has issued already, so `document.replaced` follows its `document.issued`.
 */
import { createEnvelope } from '@lienthong/bus';
import { enqueueEvents, withTransaction, type PoolClient } from '@lienthong/db';
import { checkAction, eventDefinitions, textProblem, validateEventData } from '@lienthong/records';
import type { DocumentRecalled, DocumentReplaced } from '@lienthong/records';
import { AppError, serviceErrors, type Principal } from '@lienthong/service';
import type { Pool } from '@lienthong/db';
import { requireRoleOf } from '../access.ts';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import { appendTransition, findDocument, setDocumentState, type StoredDocument } from './document-repository.ts';
import { topicIn } from '../event-topics.ts';

/** Who may recall or replace an office's issued documents: its registry and its office system. */
const recallers = ['registry', 'office-system'];

/** A reason as a person gives it: 1–1000 characters of clean text; 400 otherwise. */
function checkReason(reason: string): void {
  const problem = textProblem(reason, { maxLength: 1000 });
  if (problem !== undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: `reason ${problem}` });
}

/** The caller's office's document `id`, locked; 404 for none or another office's. */
async function locked(client: PoolClient, principal: Principal, id: string): Promise<StoredDocument> {
  const document = await findDocument(client, principal.office, id, true);
  if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
  return document;
}

/** The number and symbol an issued document holds in its office's outgoing register. */
async function symbolOf(q: Queryable, document: StoredDocument): Promise<string> {
  const { rows } = await q.query<{ symbol: string }>(
    `SELECT symbol FROM register_entry WHERE register = 'outgoing' AND document_id = $1 AND office = $2`,
    [document.id, document.office],
  );
  if (rows[0] === undefined) throw new Error(`document ${document.id} is issued without its register entry`);
  return rows[0].symbol;
}

/** An outbox event of `definition` about `documentId`, checked against libs/records. */
function documentEvent(
  definition: typeof eventDefinitions.documentRecalled | typeof eventDefinitions.documentReplaced,
  documentId: string,
  data: DocumentRecalled | DocumentReplaced,
  namespace: string,
) {
  const checked = validateEventData(definition.type, definition.version, data);
  if (!checked.ok) throw new Error(`${definition.type} of ${documentId}: ${JSON.stringify(checked.problems)}`);
  return {
    topic: topicIn(namespace, definition.topic),
    key: data.office,
    envelope: createEnvelope({
      type: definition.type,
      schemaVersion: definition.version,
      source: 'intake',
      subject: documentId,
      data,
    }),
  };
}

/**
 * In the caller's transaction: `document` (locked, issued) moves by `action` with `reason`,
 * its transition and the event built by `eventOf` in the outbox.
 */
async function endLocked(
  client: PoolClient,
  document: StoredDocument,
  action: 'recall' | 'replace',
  reason: string,
  by: string,
  eventOf: (document: StoredDocument, symbol: string, at: Date) => ReturnType<typeof documentEvent>,
): Promise<StoredDocument> {
  const check = checkAction(document.state, action);
  if (!check.allowed)
    throw new AppError(intakeErrors.DOCUMENT_TRANSITION_NOT_ALLOWED, {
      detail: check.reason,
      extra: { state: document.state },
    });
  const at = new Date();
  const event = eventOf(document, await symbolOf(client, document), at);
  const updated = await setDocumentState(client, document.id, check.transition.to);
  await appendTransition(client, document.id, { from: document.state, to: check.transition.to, action, by, reason });
  await enqueueEvents(client, [event]);
  return updated;
}

/**
 * Applies `action` (`recall` or `replace`) to the caller's office's document `id`: 409
 * DOCUMENT_TRANSITION_NOT_ALLOWED with `state` unless it is issued (a recalled, replaced or
 * cancelled document is final); then the state, the transition and the event built by
 * `eventOf`, in one transaction with `more` (the replacement's own check).
 */
async function endIssued(
  pool: Pool,
  principal: Principal,
  id: string,
  action: 'recall' | 'replace',
  reason: string,
  eventOf: (document: StoredDocument, symbol: string, at: Date) => ReturnType<typeof documentEvent>,
  more: (client: PoolClient) => Promise<void> = async () => {},
): Promise<StoredDocument> {
  requireRoleOf(principal, ...recallers);
  checkReason(reason);
  return withTransaction(pool, async (client) => {
    const document = await locked(client, principal, id);
    if (checkAction(document.state, action).allowed) await more(client);
    return endLocked(client, document, action, reason, principal.subject, eventOf);
  });
}

/** `document.recalled` of `document`, recalled at `at` for `reason`. */
const recalledEvent =
  (reason: string, namespace: string) =>
  (document: StoredDocument, symbol: string, at: Date): ReturnType<typeof documentEvent> =>
    documentEvent(
      eventDefinitions.documentRecalled,
      document.id,
      {
        documentId: document.id,
        office: document.office,
        symbol,
        reason,
        recalledAt: at.toISOString(),
      },
      namespace,
    );

/** Recalls (thu hồi) the caller's office's issued document `id` for `reason`; `document.recalled` tells delivery. */
export async function recallDocument(
  pool: Pool,
  principal: Principal,
  id: string,
  reason: string,
  namespace = '',
): Promise<StoredDocument> {
  return endIssued(pool, principal, id, 'recall', reason, recalledEvent(reason, namespace));
}

/**
 * Replaces the caller's office's issued document `id` by its issued document `replacedBy`
 * for `reason`: `id` becomes `replaced` and `document.replaced` names the new one. The new
 * one must be another document of the same office, issued (404 DOCUMENT_NOT_FOUND when it is
 * not the office's, 409 DOCUMENT_TRANSITION_NOT_ALLOWED when it is not issued).
 */
export async function replaceDocument(
  pool: Pool,
  principal: Principal,
  id: string,
  replacedBy: string,
  reason: string,
  namespace = '',
): Promise<StoredDocument> {
  if (replacedBy === id) throw new AppError(serviceErrors.BAD_REQUEST, { detail: 'a document cannot replace itself' });
  return endIssued(
    pool,
    principal,
    id,
    'replace',
    reason,
    (document, symbol, at) =>
      documentEvent(
        eventDefinitions.documentReplaced,
        document.id,
        {
          documentId: document.id,
          office: document.office,
          symbol,
          replacedBy,
          reason,
          replacedAt: at.toISOString(),
        },
        namespace,
      ),
    async (client) => {
      const replacement = await findDocument(client, principal.office, replacedBy);
      if (replacement === undefined)
        throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND, { detail: `no document ${replacedBy} of your office` });
      if (replacement.state !== 'issued')
        throw new AppError(intakeErrors.DOCUMENT_TRANSITION_NOT_ALLOWED, {
          detail: `the replacing document ${replacedBy} is ${replacement.state}, not issued`,
          extra: { state: replacement.state },
        });
    },
  );
}
