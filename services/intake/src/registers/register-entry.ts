/** A register entry as the registers' code sees it, and how a row becomes one. */

/** Which register: outgoing (sổ đăng ký văn bản đi) or incoming (số đến). */
export type RegisterKind = 'outgoing' | 'incoming';

/** Where a number stands: taken by a document being issued, issued, or cancelled (the one audited gap). */
export type EntryState = 'reserved' | 'issued' | 'cancelled';

/** One number of one series of one office's register. */
export interface RegisterEntry {
  office: string;
  register: RegisterKind;
  series: string;
  period: string;
  number: number;
  documentId: string;
  /** The number and symbol as written, `01-CT/TU`. */
  symbol: string;
  documentType: string;
  /** The subject (trích yếu). */
  subject: string;
  /** The date the number carries. */
  date: Date;
  state: EntryState;
  reservedBy: string;
  reservedAt: Date;
  issuedBy: string | null;
  issuedAt: Date | null;
  /** Who signed (người ký), as the issue recorded it. */
  signer: string | null;
  /** Where it goes (nơi nhận), as the issue recorded it. */
  recipients: string | null;
  /** A remark (ghi chú). */
  note: string | null;
  cancellation: { reason: string; by: string; at: Date } | null;
}

/** A row of `register_entry`. */
export interface EntryRow {
  office: string;
  register: RegisterKind;
  series: string;
  period: string;
  number: number;
  document_id: string;
  symbol: string;
  document_type: string;
  subject: string;
  entry_date: Date;
  state: EntryState;
  reserved_by: string;
  reserved_at: Date;
  issued_by: string | null;
  issued_at: Date | null;
  signer: string | null;
  recipients: string | null;
  note: string | null;
  cancellation_reason: string | null;
  cancelled_by: string | null;
  cancelled_at: Date | null;
}

/** The columns of `register_entry` in the order `EntryRow` names them. */
export const entryColumns =
  'office, register, series, period, number, document_id, symbol, document_type, subject, entry_date, state, ' +
  'reserved_by, reserved_at, issued_by, issued_at, signer, recipients, note, cancellation_reason, cancelled_by, cancelled_at';

/** The entry a row holds. */
export function toEntry(r: EntryRow): RegisterEntry {
  return {
    office: r.office,
    register: r.register,
    series: r.series,
    period: r.period,
    number: r.number,
    documentId: r.document_id,
    symbol: r.symbol,
    documentType: r.document_type,
    subject: r.subject,
    date: r.entry_date,
    state: r.state,
    reservedBy: r.reserved_by,
    reservedAt: r.reserved_at,
    issuedBy: r.issued_by,
    issuedAt: r.issued_at,
    signer: r.signer,
    recipients: r.recipients,
    note: r.note,
    cancellation:
      r.cancellation_reason === null || r.cancelled_by === null || r.cancelled_at === null
        ? null
        : { reason: r.cancellation_reason, by: r.cancelled_by, at: r.cancelled_at },
  };
}
