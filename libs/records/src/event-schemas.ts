/**
 * The data schemas of the events services publish (the `data` of a `@lienthong/bus`
 * envelope). Each is versioned with its event; a change that is not backwards compatible
 * is a new version on a new topic (docs/DESIGN.md "Events"). Receivers de-duplicate on the
 * envelope id, so data carries ids, not sequence numbers.
 */
import { Type, type Static } from '@sinclair/typebox';
import {
  AccessClassSchema,
  BusinessTypeSchema,
  Code,
  DateTime,
  ExchangeStatusCodeSchema,
  Id,
  NumberSymbolSchema,
  Recipients,
  RetentionClassSchema,
  SecrecyLevelSchema,
  Sha256,
  Signer,
  Text,
  UrgencyLevelSchema,
} from './schemas.ts';

const closed = { additionalProperties: false } as const;
const Reason = Text(1000, 'the reason, as the person gave it');
const SymbolText = Type.String({
  minLength: 1,
  maxLength: 80,
  description: 'the number and symbol as written, "127-QĐ/TW"',
});
const Evidence = Type.Object(
  { sha256: Sha256, byteLength: Type.Integer({ minimum: 1, maximum: 2 ** 30 }) },
  { ...closed, description: 'a signed object kept as evidence (a receipt), by SHA-256 and length' },
);

/** Where an object lives in the suite's object store: the bucket, the key, the version (S3 versioning). */
const StoredObject = Type.Object(
  {
    bucket: Type.String({ pattern: '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$', description: 'an S3 bucket name' }),
    key: Type.String({ minLength: 1, maxLength: 1024, description: 'the object key' }),
    versionId: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'the S3 version id' })),
  },
  { ...closed, description: 'where the bytes are: readers take them from the store, checking the SHA-256' },
);

/** The issued PDF: its digest and length, and where it lives (events carry references, never the bytes). */
const IssuedFile = Type.Object(
  {
    sha256: Sha256,
    byteLength: Type.Integer({ minimum: 1, maximum: 2 ** 40 }),
    mediaType: Type.Literal('application/pdf'),
    object: StoredObject,
  },
  { ...closed, description: 'the issued PDF, by SHA-256, length and object' },
);

/** `document.issued` v1 (intake): a document was numbered, dated and sealed (ban hành). */
export const DocumentIssuedSchema = Type.Object(
  {
    documentId: Id,
    office: Code,
    numberSymbol: NumberSymbolSchema,
    symbol: SymbolText,
    issuedAt: DateTime,
    series: Type.Object(
      { name: Type.String({ minLength: 1, maxLength: 32 }), period: Type.String({ minLength: 1, maxLength: 32 }) },
      closed,
    ),
    subject: Text(1000, 'the subject (trích yếu)'),
    recipients: Recipients,
    deliverTo: Type.Array(Code, {
      maxItems: 10_000,
      uniqueItems: true,
      description:
        "the recipient offices, groups expanded from the issuing office's directory at issue time, sorted; what delivery sends to",
    }),
    secrecy: SecrecyLevelSchema,
    urgency: UrgencyLevelSchema,
    deadline: Type.Optional(DateTime),
    signer: Signer,
    retention: RetentionClassSchema,
    file: IssuedFile,
  },
  closed,
);
export type DocumentIssued = Static<typeof DocumentIssuedSchema>;

/** `document.recalled` v1 (intake): the sender recalls (thu hồi) an issued document. */
export const DocumentRecalledSchema = Type.Object(
  { documentId: Id, office: Code, symbol: SymbolText, reason: Reason, recalledAt: DateTime },
  closed,
);
export type DocumentRecalled = Static<typeof DocumentRecalledSchema>;

/** `document.replaced` v1 (intake): an issued document is replaced by another. */
export const DocumentReplacedSchema = Type.Object(
  { documentId: Id, office: Code, symbol: SymbolText, replacedBy: Id, reason: Reason, replacedAt: DateTime },
  closed,
);
export type DocumentReplaced = Static<typeof DocumentReplacedSchema>;

/** `document.cancelled` v1 (intake): a document is cancelled; `symbol` when it had been issued (the audited gap). */
export const DocumentCancelledSchema = Type.Object(
  { documentId: Id, office: Code, symbol: Type.Optional(SymbolText), reason: Reason, cancelledAt: DateTime },
  closed,
);
export type DocumentCancelled = Static<typeof DocumentCancelledSchema>;

/** `delivery.sent` v1 (delivery): one package left for one recipient office. */
export const DeliverySentSchema = Type.Object(
  {
    deliveryId: Id,
    documentId: Id,
    sender: Code,
    recipient: Code,
    businessType: BusinessTypeSchema,
    urgency: UrgencyLevelSchema,
    symbol: SymbolText,
    sentAt: DateTime,
  },
  closed,
);
export type DeliverySent = Static<typeof DeliverySentSchema>;

/** `delivery.status-changed` v1 (delivery): an exchange status (QCVN 102:2016 code) of one delivery. */
export const DeliveryStatusChangedSchema = Type.Object(
  {
    deliveryId: Id,
    documentId: Id,
    sender: Code,
    recipient: Code,
    status: ExchangeStatusCodeSchema,
    businessType: BusinessTypeSchema,
    reason: Type.Optional(Reason),
    at: DateTime,
  },
  closed,
);
export type DeliveryStatusChanged = Static<typeof DeliveryStatusChangedSchema>;

/** `delivery.failed` v1 (delivery): a package could not be delivered after its retries. */
export const DeliveryFailedSchema = Type.Object(
  {
    deliveryId: Id,
    documentId: Id,
    sender: Code,
    recipient: Code,
    reason: Reason,
    attempts: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    at: DateTime,
  },
  closed,
);
export type DeliveryFailed = Static<typeof DeliveryFailedSchema>;

/** `receipt.accepted` v1 (delivery): the recipient accepted and registered the document (số đến), in a signed receipt. */
export const ReceiptAcceptedSchema = Type.Object(
  {
    receiptId: Id,
    deliveryId: Id,
    documentId: Id,
    sender: Code,
    recipient: Code,
    incomingNumber: Type.Object(
      {
        number: Type.Integer({ minimum: 1, maximum: 9_999_999 }),
        year: Type.Integer({ minimum: 2000, maximum: 9999 }),
      },
      { ...closed, description: 'the incoming number (số đến), per office per year' },
    ),
    acceptedAt: DateTime,
    evidence: Evidence,
  },
  closed,
);
export type ReceiptAccepted = Static<typeof ReceiptAcceptedSchema>;

/** `receipt.refused` v1 (delivery): the recipient returned the document with a reason (Nghị định 30/2020, Điều 21), in a signed receipt. */
export const ReceiptRefusedSchema = Type.Object(
  {
    receiptId: Id,
    deliveryId: Id,
    documentId: Id,
    sender: Code,
    recipient: Code,
    reason: Reason,
    refusedAt: DateTime,
    evidence: Evidence,
  },
  closed,
);
export type ReceiptRefused = Static<typeof ReceiptRefusedSchema>;

/** `directory.changed` v1 (the directory): an office, person or recipient group was created, changed or removed. */
export const DirectoryChangedSchema = Type.Object(
  {
    entity: Type.Union([Type.Literal('office'), Type.Literal('person'), Type.Literal('group')]),
    code: Code,
    change: Type.Union([Type.Literal('created'), Type.Literal('updated'), Type.Literal('removed')]),
    revision: Type.Integer({
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
      description: 'the entity revision after the change',
    }),
    at: DateTime,
  },
  closed,
);
export type DirectoryChanged = Static<typeof DirectoryChangedSchema>;

/** `record.archived` v1 (archive): a document (or its receipt) is stored under retention. */
export const RecordArchivedSchema = Type.Object(
  {
    recordId: Id,
    documentId: Id,
    office: Code,
    sha256: Sha256,
    retention: RetentionClassSchema,
    retainUntil: Type.Union([DateTime, Type.Null()], { description: 'null: kept permanently' }),
    access: AccessClassSchema,
    archivedAt: DateTime,
  },
  closed,
);
export type RecordArchived = Static<typeof RecordArchivedSchema>;
