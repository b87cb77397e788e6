/**
 * Issuing a signed document (ban hành) by the registry (văn thư) of its office, crash-safe
 * as services/intake README "Issue, crash-safe" says:
 *
 * 1. one transaction: the document locked and checked `signed`, `reserveNumber` (the entry
 *    `reserved`, audited), committed before any call to signing;
 * 2. outside any transaction: the number and date stamped into the signed PDF (libs/pades
 *    `stampPdf` on a worker thread), then the office's seal by signing with the registry's
 *    own token (`field=lienthong-seal&visible=true&level=B-LTA`), checked to extend the
 *    stamped PDF; every attempt starts from the signed PDF, so a retry makes a new sealed
 *    file, never a second seal in one;
 * 3. one transaction: the document locked again; if another attempt completed meanwhile its
 *    answer is returned, else `issued.pdf` is put, `confirmIssued`, the state, the
 *    transition and — when `confirmIssued` made the change — `document.issued` in the
 *    outbox.
 *
 * Steps 1 and 2 run through the caller's gate (caller-gate.ts): a burst of issues by one
 * registry waits its turn for signing instead of meeting signing's per-caller upload limit.
 *
 * A failure in 2 (signing unreachable: 503) leaves the number reserved, visible in the
 * register; the same request again reuses it (`reserveNumber` is idempotent per document).
 * Issuing an issued document answers as the first time and publishes nothing.
 */
import { createReadStream } from 'node:fs';
import { enqueueEvents, withTransaction, type PoolClient } from '@lienthong/db';
import { parseNumberSymbol, printNumberSymbol } from '@lienthong/records';
import { AppError, type Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import { recipientOffices } from '../directory/directory-reads.ts';
import { insertFile, listFiles, type StoredFile } from '../documents/document-file-repository.ts';
import {
  appendTransition,
  findDocument,
  setDocumentState,
  type StoredDocument,
} from '../documents/document-repository.ts';
import { versionKeyOf } from '../documents/document-view.ts';
import type { StampPdf } from '../documents/pdf-pool.ts';
import { intakeErrors } from '../errors.ts';
import type { Queryable } from '../queryable.ts';
import { confirmIssued, reserveNumber, type NumberReservation } from '../registers/numbering.ts';
import { findEntryOfDocument } from '../registers/register-repository.ts';
import type { RegisterEntry } from '../registers/register-entry.ts';
import { callerKeyOf } from './caller-gate.ts';
import { signerPerson, transitionRefused, type IssueDeps } from './document-signing.ts';
import { issuedEvent } from './issued-event.ts';
import { recipientsLine, vietnameseDate } from './issue-texts.ts';
import { copyObjectTo, digestOf, incrementalWatch, makeWorkDir } from './work-files.ts';

/** What issuing answers: the document, its number as written and printed, the issued PDF. */
export interface IssueAnswer {
  id: string;
  state: 'issued';
  office: string;
  number: number;
  /** `01-CT/VPTU`. */
  symbol: string;
  /** `Số 01-CT/VPTU`, as stamped. */
  printed: string;
  series: string;
  period: string;
  /** The date the number carries (the day of the first attempt). */
  date: string;
  issuedAt: string;
  sha256: string;
  size: number;
}

/** The seal's query: the reserved field, visibly, with a time-stamp and long-term validation data. */
const sealQuery = () => new URLSearchParams({ field: 'lienthong-seal', visible: 'true', level: 'B-LTA' });

function answerOf(document: StoredDocument, entry: RegisterEntry, file: StoredFile): IssueAnswer {
  return {
    id: document.id,
    state: 'issued',
    office: document.office,
    number: entry.number,
    symbol: entry.symbol,
    printed: printNumberSymbol(parseNumberSymbol(entry.symbol)),
    series: entry.series,
    period: entry.period,
    date: entry.date.toISOString(),
    issuedAt: (entry.issuedAt ?? file.createdAt).toISOString(),
    sha256: file.sha256,
    size: file.size,
  };
}

/** The answer of a document already issued, from its register entry and its issued PDF. */
async function issuedAnswer(q: Queryable, document: StoredDocument): Promise<IssueAnswer> {
  const entry = await findEntryOfDocument(q, 'outgoing', document.office, document.id);
  const file = (await listFiles(q, document.id)).get('issued');
  if (entry === undefined || file === undefined)
    throw new Error(`document ${document.id} is issued without its register entry or PDF`);
  return answerOf(document, entry, file);
}

/** A locked document of the caller's office, or 404. */
async function lockedDocument(client: PoolClient, principal: Principal, id: string): Promise<StoredDocument> {
  const document = await findDocument(client, principal.office, id, true);
  if (document === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
  return document;
}

/** Step 1: the number, reserved and committed (or the answer, when the document is issued already). */
async function reserve(
  deps: IssueDeps,
  principal: Principal,
  id: string,
): Promise<{ done: IssueAnswer } | { reservation: NumberReservation; document: StoredDocument }> {
  return withTransaction(
    deps.pool,
    async (client) => {
      const document = await lockedDocument(client, principal, id);
      if (document.state === 'issued') return { done: await issuedAnswer(client, document) };
      const refused = transitionRefused(document, 'issue');
      if (refused !== undefined) throw refused;
      const reservation = await reserveNumber(client, {
        office: document.office,
        documentId: id,
        type: document.type,
        date: new Date(),
        secrecy: document.metadata.secrecy,
        subject: document.subject,
        by: principal.subject,
      });
      return { reservation, document };
    },
    { retries: 0 },
  );
}

/** What step 2 leaves for step 3: the reservation, the document as reserved, the sealed file and its digest. */
interface Sealed {
  reservation: NumberReservation;
  document: StoredDocument;
  /** The sealed PDF on the attempt's private disk. */
  path: string;
  sha256: string;
  size: number;
}

/** Steps 1 and 2: the number reserved (or the answer of an issued document), stamped, sealed by signing. */
async function reserveAndSeal(
  deps: IssueDeps & { stampPdf: StampPdf },
  principal: Principal,
  authorization: string,
  id: string,
  work: { path(name: string): string },
): Promise<{ done: IssueAnswer } | Sealed> {
  const reserved = await reserve(deps, principal, id);
  if ('done' in reserved) return reserved;
  const { reservation, document } = reserved;
  const signedFile = (await listFiles(deps.pool, id)).get('signed');
  if (signedFile === undefined) throw new Error(`document ${id} is signed without its signed PDF`);
  const signed = work.path('signed.pdf');
  const stamped = work.path('stamped.pdf');
  const sealed = work.path('issued.pdf');
  await copyObjectTo(deps.store, deps.bucket, signedFile.contentKey, signedFile.versionId, signed);
  const printed = printNumberSymbol(parseNumberSymbol(reservation.symbol));
  const stamp = await deps.stampPdf({
    input: signed,
    output: stamped,
    number: printed,
    date: vietnameseDate(reservation.date),
  });
  if (!stamp.ok)
    throw new AppError(intakeErrors.SIGNING_ANSWER_INVALID, {
      detail: `The signed PDF cannot take the number and date: ${stamp.detail}. ${reservation.symbol} stays reserved.`,
    });
  const sealKey = await deps.signing.keyOf(authorization, 'seal');
  const watch = incrementalWatch(await digestOf(stamped));
  await deps.signing.signPdf(authorization, {
    keyId: sealKey,
    query: sealQuery(),
    input: stamped,
    output: sealed,
    onChunk: watch.onChunk,
  });
  const answer = watch.result();
  if (!answer.extendsPrefix)
    throw new AppError(intakeErrors.SIGNING_ANSWER_INVALID, {
      detail: `The sealed PDF does not begin with the stamped one. ${reservation.symbol} stays reserved.`,
    });
  return { reservation, document, path: sealed, sha256: answer.sha256, size: answer.size };
}

/** Step 3: `issued.pdf`, `confirmIssued`, the state, the transition and (when new) `document.issued`, in one transaction. */
async function complete(deps: IssueDeps, principal: Principal, id: string, sealed: Sealed): Promise<IssueAnswer> {
  const key = versionKeyOf(id, 'issued');
  const { document } = sealed;
  const person =
    document.signerSubject === null
      ? undefined
      : await signerPerson(deps.pool, document.office, document.signerSubject);
  let stored: string | undefined;
  let issuedNow = false;
  try {
    const answer = await withTransaction(
      deps.pool,
      async (client) => {
        const current = await lockedDocument(client, principal, id);
        // Another attempt completed while this one sealed: its file and answer stand.
        if (current.state === 'issued') return issuedAnswer(client, current);
        const refused = transitionRefused(current, 'issue');
        if (refused !== undefined) throw refused;
        const put = await deps.store.put(deps.bucket, key, createReadStream(sealed.path), {
          contentType: 'application/pdf',
          expectedSha256: sealed.sha256,
        });
        stored = put.versionId;
        const file = await insertFile(client, {
          document: id,
          version: 'issued',
          contentKey: key,
          versionId: put.versionId === 'null' ? null : put.versionId,
          sha256: sealed.sha256,
          size: sealed.size,
          createdBy: principal.subject,
        });
        const at = new Date();
        const done = await confirmIssued(client, {
          office: current.office,
          documentId: id,
          by: principal.subject,
          at,
          signer: person?.name ?? current.signerSubject ?? '',
          recipients: recipientsLine(current.metadata.recipients),
        });
        const updated = await setDocumentState(client, id, 'issued');
        await appendTransition(client, id, {
          from: current.state,
          to: 'issued',
          action: 'issue',
          by: principal.subject,
        });
        issuedNow = done.isNew;
        if (done.isNew) {
          const deliverTo = await recipientOffices(client, current.metadata.recipients, current.office);
          await enqueueEvents(client, [
            issuedEvent(updated, done, file, at, {
              bucket: deps.bucket,
              deliverTo,
              namespace: deps.topicNamespace ?? '',
            }),
          ]);
        }
        return answerOf(updated, done.entry, file);
      },
      { retries: 0 },
    );
    if (issuedNow) deps.onIssued?.(document.type);
    return answer;
  } catch (error) {
    if (stored !== undefined)
      await deps.store.delete(deps.bucket, key, stored === 'null' ? {} : { versionId: stored }).catch(() => undefined);
    throw error;
  }
}

/**
 * Issues the caller's office's signed document `id` (a `registry`), or answers as before
 * when it is issued already. Steps 1 and 2 run through the caller's gate (`deps.gate`: at
 * most so many of one caller's seals at signing at once, the next waiting), so a burst of
 * issues by one registry queues rather than meets signing's per-caller limit; a full queue
 * refuses before anything is reserved. Throws 403 FORBIDDEN, 404 DOCUMENT_NOT_FOUND, 409
 * DOCUMENT_TRANSITION_NOT_ALLOWED, 503 ISSUE_QUEUE_FULL, the numbering's problems, the
 * SIGNING_* problems of the signing client (the number then stays reserved for a retry),
 * 502 SIGNING_ANSWER_INVALID.
 */
export async function issueDocument(
  deps: IssueDeps & { stampPdf: StampPdf },
  principal: Principal,
  authorization: string,
  id: string,
): Promise<IssueAnswer> {
  requireRoleOf(principal, 'registry');
  const first = await findDocument(deps.pool, principal.office, id);
  if (first === undefined) throw new AppError(intakeErrors.DOCUMENT_NOT_FOUND);
  // Issued: its entry and file no longer change, and a repeat need not queue for signing.
  if (first.state === 'issued') return issuedAnswer(deps.pool, first);
  const refused = transitionRefused(first, 'issue');
  if (refused !== undefined) throw refused;
  // Nothing can complete without signing: no number is reserved for a flow that cannot run.
  await deps.signing.ensureConfigured();
  const work = await makeWorkDir();
  try {
    const sealed = await deps.gate.run(callerKeyOf(principal), () =>
      reserveAndSeal(deps, principal, authorization, id, work),
    );
    if ('done' in sealed) return sealed.done;
    return await complete(deps, principal, id, sealed);
  } finally {
    await work.remove();
  }
}
