/** A delivery and its legs as the service's code sees them, and how rows become them. */

/** Where the issued PDF lives and what it must hash to (from `document.issued`). */
export interface DeliveryFile {
  sha256: string;
  byteLength: number;
  mediaType: string;
  bucket: string;
  key: string;
  versionId: string | null;
}

/** One issued document on its way to every recipient office. */
export interface Delivery {
  id: string;
  documentId: string;
  /** The issuing office. */
  sender: string;
  /** The number and symbol as written, `12-CT/TU`. */
  symbol: string;
  documentType: string;
  /** The subject (trích yếu). */
  subject: string;
  urgency: string;
  /** libs/records urgency priority: 0 ordinary … 3 Hỏa tốc. */
  priority: number;
  secrecy: string;
  /** The answer is due by then (the urgency's deadline), when the document gives one. */
  deadline: Date | null;
  issuedAt: Date;
  file: DeliveryFile;
  createdAt: Date;
  /** The sender's recall (thu hồi) or replacement of the document, once intake told of it. */
  recall: DeliveryRecall | null;
}

/**
 * A recall or replacement of a delivered document, as the sender gave it. `cancelled`: the
 * issued document was cancelled at intake (its number too), which asks for it back as a
 * recall does.
 */
export interface DeliveryRecall {
  kind: 'recalled' | 'replaced' | 'cancelled';
  reason: string;
  at: Date;
  /** The replacing document (a replacement only). */
  replacedBy: string | null;
}

/** One recipient office's leg of a delivery: its inbox entry once consigned. */
export interface Leg {
  id: string;
  deliveryId: string;
  recipient: string;
  priority: number;
  /** The exchange status code; null while sent but not yet in the inbox. */
  status: string | null;
  statusAt: Date;
  sentAt: Date;
  consignedAt: Date | null;
  /** Consignment order across the service, what an inbox stream resumes from. */
  inboxSeq: number | null;
  handedOverAt: Date | null;
  answeredAt: Date | null;
  /** The incoming number (số đến) the recipient's register gave on acceptance. */
  incoming: { number: number; period: string } | null;
  refusalReason: string | null;
  /** The recipient's reason for refusing a recall (16). */
  recallRefusalReason: string | null;
  /**
   * The status when the recall was asked (13), what a refused recall (16) goes on from;
   * null when no recall was asked, or the leg was not in its inbox then (01 once consigned).
   */
  statusBeforeRecall: string | null;
  /** The deadline it was found overdue at (no answer by then), once the sweep noted it. */
  overdueSince: Date | null;
}

/** One event in a leg's history (append-only). */
export interface LegEvent {
  id: number;
  event: string;
  code: string | null;
  at: Date;
  by: string;
  reason: string | null;
  detail: Record<string, unknown> | null;
  eventId: string | null;
}

/** A row of `delivery`. */
export interface DeliveryRow {
  id: string;
  document_id: string;
  sender: string;
  symbol: string;
  document_type: string;
  subject: string;
  urgency: string;
  priority: number;
  secrecy: string;
  deadline: Date | null;
  issued_at: Date;
  file_sha256: string;
  file_byte_length: string;
  file_media_type: string;
  file_bucket: string;
  file_key: string;
  file_version_id: string | null;
  created_at: Date;
  recall_kind: DeliveryRecall['kind'] | null;
  recall_reason: string | null;
  recalled_at: Date | null;
  replaced_by: string | null;
}

/** A row of `delivery_leg`. */
export interface LegRow {
  id: string;
  delivery_id: string;
  recipient: string;
  priority: number;
  status: string | null;
  status_at: Date;
  sent_at: Date;
  consigned_at: Date | null;
  inbox_seq: string | null;
  handed_over_at: Date | null;
  answered_at: Date | null;
  incoming_number: number | null;
  incoming_period: string | null;
  refusal_reason: string | null;
  recall_refusal_reason: string | null;
  overdue_since: Date | null;
  status_before_recall: string | null;
}

export const deliveryColumns =
  'd.id, d.document_id, d.sender, d.symbol, d.document_type, d.subject, d.urgency, d.priority, d.secrecy, d.deadline, d.issued_at, d.file_sha256, d.file_byte_length, d.file_media_type, d.file_bucket, d.file_key, d.file_version_id, d.created_at, d.recall_kind, d.recall_reason, d.recalled_at, d.replaced_by';

export const legColumns =
  'l.id, l.delivery_id, l.recipient, l.priority, l.status, l.status_at, l.sent_at, l.consigned_at, l.inbox_seq, l.handed_over_at, l.answered_at, l.incoming_number, l.incoming_period, l.refusal_reason, l.recall_refusal_reason, l.overdue_since, l.status_before_recall';

export const toDelivery = (r: DeliveryRow): Delivery => ({
  id: r.id,
  documentId: r.document_id,
  sender: r.sender,
  symbol: r.symbol,
  documentType: r.document_type,
  subject: r.subject,
  urgency: r.urgency,
  priority: r.priority,
  secrecy: r.secrecy,
  deadline: r.deadline,
  issuedAt: r.issued_at,
  file: {
    sha256: r.file_sha256,
    byteLength: Number(r.file_byte_length),
    mediaType: r.file_media_type,
    bucket: r.file_bucket,
    key: r.file_key,
    versionId: r.file_version_id,
  },
  createdAt: r.created_at,
  recall:
    r.recall_kind === null
      ? null
      : { kind: r.recall_kind, reason: r.recall_reason ?? '', at: r.recalled_at!, replacedBy: r.replaced_by },
});

export const toLeg = (r: LegRow): Leg => ({
  id: r.id,
  deliveryId: r.delivery_id,
  recipient: r.recipient,
  priority: r.priority,
  status: r.status,
  statusAt: r.status_at,
  sentAt: r.sent_at,
  consignedAt: r.consigned_at,
  inboxSeq: r.inbox_seq === null ? null : Number(r.inbox_seq),
  handedOverAt: r.handed_over_at,
  answeredAt: r.answered_at,
  incoming:
    r.incoming_number === null || r.incoming_period === null
      ? null
      : { number: r.incoming_number, period: r.incoming_period },
  refusalReason: r.refusal_reason,
  recallRefusalReason: r.recall_refusal_reason,
  overdueSince: r.overdue_since,
  statusBeforeRecall: r.status_before_recall,
});

/**
 * The statuses that still wait for an answer, for the overdue sweep. Accepted (03) or
 * refused (02) is an answer, and 04–06 come after acceptance; a recall (13, 15, 16) asks
 * nothing of the deadline any more. A leg not in an inbox yet (NULL) is noted once consigned,
 * at 01: the event that tells it carries the leg's status.
 */
export const unansweredStatuses: readonly string[] = ['01'];

/** Whether a leg with `status` and the delivery's `deadline` is overdue at `now`: no answer by the deadline. */
export function isOverdue(status: string | null, deadline: Date | null, now: Date): boolean {
  return deadline !== null && deadline.getTime() < now.getTime() && (status === null || status === '01');
}
