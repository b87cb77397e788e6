/** What the `inbox` and `delivery` commands share: an inbox entry as delivery answers it, and one line of it. */

/** An inbox entry as the delivery service answers it (the fields the commands print). */
export interface InboxEntryAnswer {
  id: string;
  documentId: string;
  sender: string;
  symbol: string;
  subject: string;
  urgency: string;
  deadline: string | null;
  status: string;
  consignedAt: string;
  handedOverAt: string | null;
  incoming: { number: number; period: string } | null;
  refusalReason: string | null;
  /** The sender's recall or replacement (absent from services before recall). */
  recall?: { kind: string; reason: string; at: string; replacedBy: string | null } | null;
  recallRefusalReason?: string | null;
  file: { sha256: string; byteLength: number };
  seq: number;
}

/** The exchange statuses by code, as a person reads them (docs/DOMAIN.md). */
export const statusNames: Readonly<Record<string, string>> = {
  sent: 'sent',
  '01': 'arrived',
  '02': 'refused',
  '03': 'accepted',
  '04': 'assigned',
  '05': 'in progress',
  '06': 'completed',
  '13': 'recall asked',
  '15': 'recall accepted',
  '16': 'recall refused',
};

/** One line of an entry: id, status, urgency, symbol, sender, subject. */
export function entryLine(e: InboxEntryAnswer): string {
  const status = `${e.status} ${statusNames[e.status] ?? ''}`.trim();
  const number = e.incoming === null ? '' : ` (số đến ${e.incoming.number}/${e.incoming.period})`;
  return `${e.id}  ${status.padEnd(14)}  ${e.urgency.padEnd(11)}  ${e.symbol.padEnd(14)}  ${e.sender.padEnd(10)}  ${e.subject}${number}\n`;
}
