/** Response declarations shared by the routes: problem documents, inbox entries, deliveries. */
import { exchangeStatusCodes, urgencyLevelIds } from '@lienthong/records';
import { ProblemSchema, Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { Delivery, LegEvent, Leg } from '../deliveries/delivery.ts';
import { isOverdue } from '../deliveries/delivery.ts';
import type { InboxEntry } from '../deliveries/leg-repository.ts';
import type { DeliveryOverview } from '../sender/sender-service.ts';

/** A problem+json (RFC 9457) response of the given meaning. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } };
}

/** The 401 every protected route may answer. */
export const unauthenticated = problemResponse(
  'UNAUTHENTICATED: no valid access token (Authorization: Bearer); TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT',
);

/** The 403 of the inbox and deliveries: the caller lacks the role. */
export const forbidden = problemResponse('FORBIDDEN: the caller lacks the role (office-system or registry)');

const DateTimeText = Type.String({ format: 'date-time' });
const Nullable = <T extends ReturnType<typeof Type.String>>(t: T) => Type.Union([t, Type.Null()]);

/** An exchange status code (docs/DOMAIN.md). */
export const StatusCode = Type.Union(
  exchangeStatusCodes.map((c) => Type.Literal(c)),
  { description: '01 arrived, 02 refused, 03 accepted, 04 assigned, 05 in progress, 06 completed, 13/15/16 recall' },
);

/** An urgency level's id. */
export const Urgency = Type.Union(urgencyLevelIds.map((u) => Type.Literal(u)));

const IncomingNumber = Type.Union([
  Type.Object({ number: Type.Integer({ minimum: 1 }), period: Type.String() }, { description: 'số đến' }),
  Type.Null(),
]);

/** The sender's recall or replacement of a document, as recipients and the sender see it. */
const RecallSummary = Type.Union([
  Type.Object(
    {
      kind: Type.Union([Type.Literal('recalled'), Type.Literal('replaced'), Type.Literal('cancelled')], {
        description: 'recalled (thu hồi), replaced, or cancelled at intake (asked back as a recall)',
      }),
      reason: Type.String(),
      at: DateTimeText,
      replacedBy: Nullable(Type.String({ description: 'the replacing document' })),
    },
    { description: 'thu hồi or replacement, as the sender gave it' },
  ),
  Type.Null(),
]);

/** A path parameter that is an id (checked as a UUID by the service: anything else is 404). */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** An entry of an inbox, as the API shows it. */
export const InboxEntrySummary = Type.Object(
  {
    id: Type.String({ description: 'the delivery to this office (its leg): what answers name' }),
    documentId: Type.String(),
    sender: Type.String({ description: 'the issuing office' }),
    symbol: Type.String({ description: 'the number and symbol, 12-CT/TU' }),
    documentType: Type.String(),
    subject: Type.String({ description: 'trích yếu' }),
    urgency: Type.String(),
    secrecy: Type.String(),
    deadline: Nullable(DateTimeText),
    issuedAt: DateTimeText,
    status: Type.String({ description: 'the exchange status code' }),
    statusAt: DateTimeText,
    consignedAt: DateTimeText,
    handedOverAt: Nullable(DateTimeText),
    answeredAt: Nullable(DateTimeText),
    incoming: IncomingNumber,
    refusalReason: Nullable(Type.String()),
    recall: RecallSummary,
    recallRefusalReason: Nullable(Type.String({ description: 'why this office refused the recall (16)' })),
    overdueSince: Type.Union([DateTimeText, Type.Null()], {
      description: 'the deadline, once the sweep noted it passed with no answer',
    }),
    file: Type.Object({
      sha256: Type.String(),
      byteLength: Type.Integer(),
      mediaType: Type.String(),
    }),
    seq: Type.Integer({ description: 'consignment order: the SSE event id' }),
  },
  { $id: 'InboxEntry' },
);

/** One event of a leg's history. */
export const HistoryItem = Type.Object({
  event: Type.String({
    description:
      'submitted, consigned, handed-over, accepted, refused, assigned, in-progress, completed; take-back-requested, take-back-accepted, take-back-refused, replaced',
  }),
  code: Nullable(Type.String()),
  at: DateTimeText,
  by: Type.String({ description: 'the subject who acted, system:delivery for the service' }),
  reason: Nullable(Type.String()),
  detail: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  eventId: Nullable(Type.String()),
});

/** One recipient's leg as the sender sees it. */
export const LegSummary = Type.Object({
  id: Type.String(),
  recipient: Type.String(),
  status: Type.String({ description: "the exchange status code, or 'sent' before the inbox holds it" }),
  statusAt: DateTimeText,
  sentAt: DateTimeText,
  consignedAt: Nullable(DateTimeText),
  handedOverAt: Nullable(DateTimeText),
  answeredAt: Nullable(DateTimeText),
  incoming: IncomingNumber,
  refusalReason: Nullable(Type.String()),
  recallRefusalReason: Nullable(Type.String({ description: 'why the recipient refused the recall (16)' })),
  overdue: Type.Boolean({ description: 'the deadline passed without an answer' }),
  overdueSince: Type.Union([DateTimeText, Type.Null()], {
    description: 'the deadline, once the sweep noted it passed with no answer',
  }),
});

/** A delivery as the sender sees it. */
export const DeliverySummary = Type.Object(
  {
    id: Type.String(),
    documentId: Type.String(),
    sender: Type.String(),
    symbol: Type.String(),
    subject: Type.String(),
    urgency: Type.String(),
    secrecy: Type.String(),
    deadline: Nullable(DateTimeText),
    issuedAt: DateTimeText,
    createdAt: DateTimeText,
    recall: RecallSummary,
    counts: Type.Object({
      byStatus: Type.Record(Type.String(), Type.Integer(), {
        description: "legs per status code ('sent': not in an inbox yet)",
      }),
      overdue: Type.Integer(),
      total: Type.Integer(),
    }),
  },
  { $id: 'DeliverySummary' },
);

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toRecallSummary = (recall: Delivery['recall']): Static<typeof RecallSummary> =>
  recall === null ? null : { ...recall, at: recall.at.toISOString() };

export const toInboxSummary = ({ leg, delivery }: InboxEntry): Static<typeof InboxEntrySummary> => ({
  id: leg.id,
  documentId: delivery.documentId,
  sender: delivery.sender,
  symbol: delivery.symbol,
  documentType: delivery.documentType,
  subject: delivery.subject,
  urgency: delivery.urgency,
  secrecy: delivery.secrecy,
  deadline: iso(delivery.deadline),
  issuedAt: delivery.issuedAt.toISOString(),
  status: leg.status ?? 'sent',
  statusAt: leg.statusAt.toISOString(),
  consignedAt: (leg.consignedAt ?? leg.statusAt).toISOString(),
  handedOverAt: iso(leg.handedOverAt),
  answeredAt: iso(leg.answeredAt),
  incoming: leg.incoming,
  refusalReason: leg.refusalReason,
  recall: toRecallSummary(delivery.recall),
  recallRefusalReason: leg.recallRefusalReason,
  overdueSince: iso(leg.overdueSince),
  file: { sha256: delivery.file.sha256, byteLength: delivery.file.byteLength, mediaType: delivery.file.mediaType },
  seq: leg.inboxSeq ?? 0,
});

export const toHistoryItem = (e: LegEvent): Static<typeof HistoryItem> => ({
  event: e.event,
  code: e.code,
  at: e.at.toISOString(),
  by: e.by,
  reason: e.reason,
  detail: e.detail,
  eventId: e.eventId,
});

export const toLegSummary = (leg: Leg, deadline: Date | null, now: Date): Static<typeof LegSummary> => ({
  id: leg.id,
  recipient: leg.recipient,
  status: leg.status ?? 'sent',
  statusAt: leg.statusAt.toISOString(),
  sentAt: leg.sentAt.toISOString(),
  consignedAt: iso(leg.consignedAt),
  handedOverAt: iso(leg.handedOverAt),
  answeredAt: iso(leg.answeredAt),
  incoming: leg.incoming,
  refusalReason: leg.refusalReason,
  recallRefusalReason: leg.recallRefusalReason,
  overdue: isOverdue(leg.status, deadline, now),
  overdueSince: iso(leg.overdueSince),
});

export const toDeliverySummary = ({ delivery: d, counts }: DeliveryOverview): Static<typeof DeliverySummary> => ({
  id: d.id,
  documentId: d.documentId,
  sender: d.sender,
  symbol: d.symbol,
  subject: d.subject,
  urgency: d.urgency,
  secrecy: d.secrecy,
  deadline: iso(d.deadline),
  issuedAt: d.issuedAt.toISOString(),
  createdAt: d.createdAt.toISOString(),
  recall: toRecallSummary(d.recall),
  counts,
});
