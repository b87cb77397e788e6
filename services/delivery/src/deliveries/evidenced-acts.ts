/**
 * Which act of a leg's history is evidenced by which libs/evidence event, and whose act it
 * is. Pure data: the SQL that writes evidence rows in the act's own statement (appendLegEvents)
 * is built from it. Processing statuses (04 assigned, 05 in progress, 06 completed) and a
 * replacement have no evidence event; the sender's submission is one row per delivery,
 * written with the delivery (insertDelivery).
 */
import type { EvidenceEvent } from '@lienthong/evidence';

/** How a leg event becomes an evidence row. */
export interface EvidencedAct {
  /** The leg event (`leg_event.event`). */
  readonly legEvent: string;
  readonly event: EvidenceEvent;
  /** Whose act: the sender's office or the recipient's. */
  readonly acting: 'sender' | 'recipient';
  /** The leg event's reason goes into the statement. */
  readonly reason: boolean;
}

/** Every leg event that is evidenced. */
export const evidencedActs: readonly EvidencedAct[] = Object.freeze([
  { legEvent: 'consigned', event: 'ContentConsignment', acting: 'sender', reason: false },
  { legEvent: 'handed-over', event: 'ContentHandover', acting: 'recipient', reason: false },
  { legEvent: 'accepted', event: 'AcceptanceByRecipient', acting: 'recipient', reason: true },
  { legEvent: 'refused', event: 'RejectionByRecipient', acting: 'recipient', reason: true },
  { legEvent: 'overdue', event: 'AcceptanceRejectionExpiry', acting: 'sender', reason: false },
  { legEvent: 'take-back-requested', event: 'RecallRequest', acting: 'sender', reason: true },
  { legEvent: 'take-back-accepted', event: 'RecallAcceptance', acting: 'recipient', reason: true },
  { legEvent: 'take-back-refused', event: 'RecallRejection', acting: 'recipient', reason: true },
] satisfies EvidencedAct[]);

/** The SQL `VALUES` list of `evidencedActs` (constants only: no input reaches it). */
export const evidencedActsValues = evidencedActs
  .map((a) => `('${a.legEvent}', '${a.event}', '${a.acting}', ${a.reason})`)
  .join(', ');
