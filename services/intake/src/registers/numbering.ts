/**
 * Numbering (cấp số): the next number of an office's series, given inside the caller's
 * transaction so that it lives and dies with the caller's own writes. The rules
 * (docs/DOMAIN.md "Numbering"; docs/DESIGN.md "Issue, crash-safe"):
 *
 * - gapless and race-free: the series' counter row is incremented with
 *   `INSERT … ON CONFLICT DO UPDATE … RETURNING` and stays locked until the transaction
 *   ends; a rollback (or a client killed half-way) gives the number back with it;
 * - idempotent per document: a transaction-level advisory lock on the document id comes
 *   first (always before the counter, so two reservations never wait on each other in
 *   opposite orders), then the document's entry is looked up; asking again returns the
 *   same number, whatever the date or the configuration say now;
 * - a number leaves the register only by an explicit, audited cancellation, and a
 *   cancelled number stays in the register, never given again.
 */
import type { PoolClient } from '@lienthong/db';
import { findSecrecyLevel, formatNumberSymbol, isRecordsError, seriesOf, textProblem } from '@lienthong/records';
import type { SeriesKey } from '@lienthong/records';
import { AppError, serviceErrors } from '@lienthong/service';
import { findOffice } from '../directory/office-repository.ts';
import { intakeErrors } from '../errors.ts';
import type { RegisterEntry } from './register-entry.ts';
import {
  appendAudit,
  assertInTransaction,
  findEntry,
  findEntryOfDocument,
  insertEntry,
  lockDocument,
  markCancelled,
  markIssued,
  nextNumber,
} from './register-repository.ts';
import { loadSeriesConfig } from './series-config.ts';

/** What a document asks a number with. */
export interface NumberRequest {
  /** The issuing office's code (the lead office of a joint document). */
  office: string;
  /** The document's id (a UUID); one document, one number. */
  documentId: string;
  /** The document type's code (`CT`, `QĐ`, …): its series, and the symbol's TYPE. */
  type: string;
  /** The issue date the number carries; decides the period. */
  date: Date;
  /** The secrecy level (`ordinary` when absent); a `secretSeries` configuration numbers secret ones apart. */
  secrecy?: string;
  /** The subject (trích yếu), as the register shows it. */
  subject: string;
  /** Who asks (the token's subject): the audit's actor. */
  by: string;
}

/** A number given to a document. */
export interface NumberReservation {
  series: string;
  period: string;
  number: number;
  /** The number and symbol as written, `01-CT/VPTU`. */
  symbol: string;
  /** The date the number carries (the first request's, on a repeat). */
  date: Date;
  /** False when the document already held this number (a retried or resumed issue). */
  isNew: boolean;
  entry: RegisterEntry;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function checkRequest(request: NumberRequest): void {
  const problems: string[] = [];
  if (!uuidPattern.test(request.documentId)) problems.push('documentId is not a UUID');
  if (Number.isNaN(request.date.getTime())) problems.push('date is not a valid date');
  const subject = textProblem(request.subject, { maxLength: 1000 });
  if (subject !== undefined) problems.push(`subject ${subject}`);
  if (request.secrecy !== undefined && findSecrecyLevel(request.secrecy) === undefined)
    problems.push('secrecy is not a secrecy level (ordinary, confidential, secret, top-secret)');
  if (problems.length > 0) throw new AppError(serviceErrors.BAD_REQUEST, { detail: problems.join('; ') });
}

function reservationOf(entry: RegisterEntry, isNew: boolean): NumberReservation {
  if (entry.state === 'cancelled')
    throw new AppError(intakeErrors.REGISTER_NUMBER_CANCELLED, {
      detail: `${entry.symbol} of document ${entry.documentId} was cancelled: ${entry.cancellation?.reason ?? ''}`,
    });
  const { series, period, number, symbol, date } = entry;
  return { series, period, number, symbol, date, isNew, entry };
}

function seriesKeyOf(request: NumberRequest, config: Parameters<typeof seriesOf>[0]): SeriesKey {
  try {
    return seriesOf(config, {
      type: request.type,
      date: request.date,
      ...(request.secrecy === undefined ? {} : { secrecy: request.secrecy }),
    });
  } catch (error) {
    if (!isRecordsError(error, 'RECORDS_PERIOD_UNKNOWN')) throw error;
    throw new AppError(intakeErrors.REGISTER_PERIOD_UNKNOWN, { detail: error.detail ?? error.message });
  }
}

/**
 * Gives `request.documentId` the next number of its series in the outgoing register of
 * `request.office`, in the caller's transaction `client` (state `reserved`, audited), or
 * returns the number it already holds. Must run inside a transaction (BEGIN … COMMIT):
 * the locks it takes are held until that transaction ends.
 *
 * Throws 400 BAD_REQUEST (not a UUID, bad subject or date), RECORDS_DOCUMENT_TYPE_UNKNOWN,
 * 422 REGISTER_OFFICE_UNKNOWN, 422 REGISTER_PERIOD_UNKNOWN, 409 REGISTER_NUMBER_CANCELLED
 * (its number was cancelled), 409 REGISTER_DOCUMENT_ELSEWHERE (another office numbered it).
 */
export async function reserveNumber(client: PoolClient, request: NumberRequest): Promise<NumberReservation> {
  checkRequest(request);
  await assertInTransaction(client);
  await lockDocument(client, 'outgoing', request.office, request.documentId);
  const held = await findEntryOfDocument(client, 'outgoing', request.office, request.documentId);
  if (held !== undefined) {
    if (held.office !== request.office)
      throw new AppError(intakeErrors.REGISTER_DOCUMENT_ELSEWHERE, {
        detail: `it is ${held.symbol} of ${held.office}`,
      });
    return reservationOf(held, false);
  }
  const office = await findOffice(client, request.office);
  if (office === undefined || !office.active)
    throw new AppError(intakeErrors.REGISTER_OFFICE_UNKNOWN, { extra: { office: request.office } });
  const { config } = await loadSeriesConfig(client, request.office);
  const key = seriesKeyOf(request, config);
  // The symbol is checked before the counter moves, so a type that cannot be written takes no number.
  formatNumberSymbol({ number: 1, type: request.type, bodies: [office.abbreviation] });
  const ref = { office: request.office, register: 'outgoing' as const, series: key.series, period: key.period };
  const number = await nextNumber(client, ref);
  const entry = await insertEntry(client, {
    ...ref,
    number,
    documentId: request.documentId,
    symbol: formatNumberSymbol({ number, type: request.type, bodies: [office.abbreviation] }),
    documentType: request.type,
    subject: request.subject,
    date: request.date,
    reservedBy: request.by,
  });
  await appendAudit(client, {
    ...ref,
    action: 'reserved',
    actor: request.by,
    number,
    documentId: request.documentId,
    detail: { symbol: entry.symbol },
  });
  return reservationOf(entry, true);
}

/** What the issue records when it completes. */
export interface IssueConfirmation {
  office: string;
  documentId: string;
  /** Who issued (the registry's subject). */
  by: string;
  /** When (default now). */
  at?: Date;
  /** Who signed (người ký), as the register book prints it. */
  signer?: string;
  /** Where it goes (nơi nhận), as the register book prints it. */
  recipients?: string;
  /** A remark (ghi chú). */
  note?: string;
}

/**
 * Marks a document's reserved number issued, in the caller's transaction, the same one
 * that writes `document.issued` to the outbox. `isNew` is true only for the transaction
 * that made the change: enqueue the event only then, and a repeated completion publishes
 * nothing twice. Throws 404 REGISTER_ENTRY_NOT_FOUND (no number reserved) and 409
 * REGISTER_NUMBER_CANCELLED.
 */
export async function confirmIssued(client: PoolClient, confirmation: IssueConfirmation): Promise<NumberReservation> {
  const { office, documentId } = confirmation;
  const missing = () =>
    new AppError(intakeErrors.REGISTER_ENTRY_NOT_FOUND, { detail: `document ${documentId} holds no number` });
  if (!uuidPattern.test(documentId)) throw missing();
  await assertInTransaction(client);
  const issued = await markIssued(client, 'outgoing', office, documentId, {
    by: confirmation.by,
    at: confirmation.at ?? new Date(),
    signer: confirmation.signer ?? null,
    recipients: confirmation.recipients ?? null,
    note: confirmation.note ?? null,
  });
  if (issued !== undefined) {
    await appendAudit(client, {
      office,
      register: 'outgoing',
      action: 'issued',
      actor: confirmation.by,
      series: issued.series,
      period: issued.period,
      number: issued.number,
      documentId,
    });
    return reservationOf(issued, true);
  }
  const held = await findEntryOfDocument(client, 'outgoing', office, documentId);
  if (held === undefined || held.office !== office) throw missing();
  return reservationOf(held, false);
}

/** Which number to cancel, why and by whom. */
export interface CancellationRequest {
  office: string;
  series: string;
  period: string;
  number: number;
  reason: string;
  by: string;
}

/**
 * Cancels a number (reserved or issued) in the caller's transaction: the entry stays in
 * the register as cancelled with the reason, who and when, the audit records it, and the
 * number is never given again. Throws 400 BAD_REQUEST (a reason that is not clean text),
 * 404 REGISTER_ENTRY_NOT_FOUND, 409 REGISTER_NUMBER_CANCELLED (cancelled already).
 */
export async function cancelNumber(client: PoolClient, request: CancellationRequest): Promise<RegisterEntry> {
  const problem = textProblem(request.reason, { maxLength: 1000, multiline: true });
  if (problem !== undefined) throw new AppError(serviceErrors.BAD_REQUEST, { detail: `reason ${problem}` });
  await assertInTransaction(client);
  const ref = { office: request.office, register: 'outgoing' as const, series: request.series, period: request.period };
  const cancelled = await markCancelled(client, { ...ref, number: request.number }, request.reason, request.by);
  if (cancelled === undefined) {
    const entry = await findEntry(client, { ...ref, number: request.number });
    if (entry === undefined)
      throw new AppError(intakeErrors.REGISTER_ENTRY_NOT_FOUND, {
        detail: `no number ${request.number} in series ${request.series} of period ${request.period}`,
      });
    throw new AppError(intakeErrors.REGISTER_NUMBER_CANCELLED, { detail: `${entry.symbol} is cancelled already` });
  }
  await appendAudit(client, {
    ...ref,
    action: 'cancelled',
    actor: request.by,
    number: request.number,
    documentId: cancelled.documentId,
    reason: request.reason,
    detail: { symbol: cancelled.symbol, was: cancelled.issuedAt === null ? 'reserved' : 'issued' },
  });
  return cancelled;
}
