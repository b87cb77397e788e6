/**
 * The incoming register (sổ đăng ký văn bản đến): an accepted document gets the office's
 * next incoming number (số đến), one series per office per local calendar year (libs/records
 * `incomingSeriesOf`; docs/DOMAIN.md "Numbering"). Registered at once, in the caller's
 * transaction — the one that records the acceptance and its receipt — with the same
 * counters, locks and idempotency as the outgoing register: the same document accepted
 * twice by one office keeps its first number.
 */
import type { PoolClient } from '@lienthong/db';
import { incomingSeriesOf, readNumberSymbol, textProblem } from '@lienthong/records';
import { AppError, serviceErrors } from '@lienthong/service';
import type { RegisterEntry } from './register-entry.ts';
import {
  appendAudit,
  assertInTransaction,
  findEntryOfDocument,
  insertEntry,
  lockDocument,
  markIssued,
  nextNumber,
} from './register-repository.ts';

/** What an accepted document is registered with. */
export interface IncomingRequest {
  /** The receiving office. */
  office: string;
  documentId: string;
  /** When it was accepted: decides the year. */
  date: Date;
  documentType: string;
  subject: string;
  /** The sender's number and symbol, `01-CT/TU`, as the document carries it. */
  symbol: string;
  by: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers an accepted document in `request.office`'s incoming register (state `issued`:
 * registered), audited; returns its entry and whether this call made it (`isNew`). Throws
 * 400 BAD_REQUEST for an id that is not a UUID, an invalid date, subject or symbol.
 */
export async function registerIncoming(
  client: PoolClient,
  request: IncomingRequest,
): Promise<{ entry: RegisterEntry; isNew: boolean }> {
  const problems: string[] = [];
  if (!uuidPattern.test(request.documentId)) problems.push('documentId is not a UUID');
  if (Number.isNaN(request.date.getTime())) problems.push('date is not a valid date');
  const subject = textProblem(request.subject, { maxLength: 1000 });
  if (subject !== undefined) problems.push(`subject ${subject}`);
  const symbol = readNumberSymbol(request.symbol);
  if (!symbol.ok) problems.push(`symbol ${symbol.reason}`);
  if (problems.length > 0) throw new AppError(serviceErrors.BAD_REQUEST, { detail: problems.join('; ') });

  await assertInTransaction(client);
  await lockDocument(client, 'incoming', request.office, request.documentId);
  const held = await findEntryOfDocument(client, 'incoming', request.office, request.documentId);
  if (held !== undefined) return { entry: held, isNew: false };
  const key = incomingSeriesOf(request.office, request.date);
  const ref = { office: request.office, register: 'incoming' as const, series: key.series, period: key.period };
  const number = await nextNumber(client, ref);
  await insertEntry(client, {
    ...ref,
    number,
    documentId: request.documentId,
    symbol: request.symbol,
    documentType: request.documentType,
    subject: request.subject,
    date: request.date,
    reservedBy: request.by,
  });
  const entry = await markIssued(client, 'incoming', request.office, request.documentId, {
    by: request.by,
    at: request.date,
    signer: null,
    recipients: null,
    note: null,
  });
  await appendAudit(client, {
    ...ref,
    action: 'issued',
    actor: request.by,
    number,
    documentId: request.documentId,
    detail: { symbol: request.symbol },
  });
  return { entry: entry!, isNew: true };
}
