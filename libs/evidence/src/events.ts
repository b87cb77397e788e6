/**
 * The events a delivery evidence attests, modelled on the evidence set of ETSI EN 319 522
 * (electronic registered delivery: 522-1 names the events, 522-2 the evidence's
 * semantic content) and named after it where it has the event, plus the recall events the
 * standard lacks (docs/DOMAIN.md exchange statuses 13, 15, 16). Frozen data: show it, don't
 * copy it.
 */

/** Whose act an event is: the issuing office's, the recipient office's, or either. */
export type ActingParty = 'sender' | 'recipient' | 'either';

/** One event of the evidence set. */
export interface EvidenceEventDefinition {
  /** The name used in statements. */
  readonly event: string;
  /** What happened, in words. */
  readonly meaning: string;
  /** Where the name comes from: `EN 319 522` or `lienthong` (an event the standard lacks). */
  readonly source: 'EN 319 522' | 'lienthong';
  /** The office whose act it is, so whose seal signs the evidence (statement field `actingOffice`). */
  readonly actor: ActingParty;
  /** The exchange status (QCVN 102:2016, docs/DOMAIN.md) the event reports, when it reports one. */
  readonly exchangeStatus?: string;
  /** The statement names the recipient office (every event but a submission covering the whole delivery). */
  readonly recipientRequired: boolean;
  /** A reason is required (`'required'`), allowed, or not allowed. */
  readonly reason: 'required' | 'optional' | 'none';
  /** The incoming number (số đến) is required: an acceptance enters the incoming register. */
  readonly incomingNumber: boolean;
  /** The deadline that passed is required: an expiry says which deadline. */
  readonly deadline: boolean;
}

const define = (d: EvidenceEventDefinition): EvidenceEventDefinition => Object.freeze(d);

/** The evidence events, in the order a leg lives them. */
export const evidenceEvents: readonly EvidenceEventDefinition[] = Object.freeze([
  define({
    event: 'SubmissionAcceptance',
    meaning: "the issuing office's document was accepted for delivery (one statement per delivery, or per leg)",
    source: 'EN 319 522',
    actor: 'sender',
    recipientRequired: false,
    reason: 'none',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'ContentConsignment',
    meaning: "the document was put in the recipient office's inbox",
    source: 'EN 319 522',
    actor: 'sender',
    exchangeStatus: '01',
    recipientRequired: true,
    reason: 'none',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'ContentHandover',
    meaning: "the recipient office's system fetched the document from its inbox",
    source: 'EN 319 522',
    actor: 'either',
    recipientRequired: true,
    reason: 'none',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'AcceptanceByRecipient',
    meaning: 'the recipient office accepted the document and entered it in its incoming register',
    source: 'EN 319 522',
    actor: 'recipient',
    exchangeStatus: '03',
    recipientRequired: true,
    reason: 'optional',
    incomingNumber: true,
    deadline: false,
  }),
  define({
    event: 'RejectionByRecipient',
    meaning: 'the recipient office refused the document (invalid or misaddressed), with a reason',
    source: 'EN 319 522',
    actor: 'recipient',
    exchangeStatus: '02',
    recipientRequired: true,
    reason: 'required',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'AcceptanceRejectionExpiry',
    meaning: 'the recipient office neither accepted nor refused the document by the deadline (overdue)',
    source: 'lienthong',
    actor: 'sender',
    recipientRequired: true,
    reason: 'optional',
    incomingNumber: false,
    deadline: true,
  }),
  define({
    event: 'RecallRequest',
    meaning: 'the issuing office asks to take the document back (thu hồi)',
    source: 'lienthong',
    actor: 'sender',
    exchangeStatus: '13',
    recipientRequired: true,
    reason: 'optional',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'RecallAcceptance',
    meaning: 'the recipient office accepted the recall: the document leaves its inbox',
    source: 'lienthong',
    actor: 'recipient',
    exchangeStatus: '15',
    recipientRequired: true,
    reason: 'optional',
    incomingNumber: false,
    deadline: false,
  }),
  define({
    event: 'RecallRejection',
    meaning: 'the recipient office refused the recall, with a reason',
    source: 'lienthong',
    actor: 'recipient',
    exchangeStatus: '16',
    recipientRequired: true,
    reason: 'required',
    incomingNumber: false,
    deadline: false,
  }),
]);

/** An event name of {@link evidenceEvents}. */
export type EvidenceEvent =
  | 'SubmissionAcceptance'
  | 'ContentConsignment'
  | 'ContentHandover'
  | 'AcceptanceByRecipient'
  | 'RejectionByRecipient'
  | 'AcceptanceRejectionExpiry'
  | 'RecallRequest'
  | 'RecallAcceptance'
  | 'RecallRejection';

/** The definition of `event`, or undefined for a name the set does not have. */
export function findEvidenceEvent(event: string): EvidenceEventDefinition | undefined {
  return evidenceEvents.find((d) => d.event === event);
}
