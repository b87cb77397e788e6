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
  OfficeLevelSchema,
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
    /** Set when the event tells that the answer is overdue: the deadline passed (`at`: the same instant), status unchanged. */
    overdueSince: Type.Optional(DateTime),
  },
  closed,
);
export type DeliveryStatusChanged = Static<typeof DeliveryStatusChangedSchema>;

/** Delivery's sealed and time-stamped evidence of one delivery in one batch, as one JSON object in the store. */
const StampedEvidenceFile = Type.Object(
  {
    sha256: Sha256,
    byteLength: Type.Integer({ minimum: 1, maximum: 2 ** 40 }),
    mediaType: Type.Literal('application/json'),
    object: StoredObject,
  },
  { ...closed, description: 'the evidence object (libs/evidence "Stamped parts"), by SHA-256, length and object' },
);

/**
 * `delivery.evidence-stamped` v1 (delivery): the evidence of one delivery in one time-stamped
 * batch (each row's CMS, inclusion proof, and the batch's RFC 3161 token) was written to the
 * store as one object; one event per delivery and batch.
 */
export const DeliveryEvidenceStampedSchema = Type.Object(
  {
    documentId: Id,
    deliveryId: Id,
    sender: Code,
    batchId: Id,
    stampedAt: DateTime,
    count: Type.Integer({ minimum: 1, maximum: 2 ** 20, description: 'evidence rows of the delivery in the batch' }),
    evidence: StampedEvidenceFile,
  },
  closed,
);
export type DeliveryEvidenceStamped = Static<typeof DeliveryEvidenceStampedSchema>;

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

/** Most people `directory.changed` lists for one office (the directory refuses an import that would make more). */
export const maxOfficePeople = 2000;

/** A person of an office as certificates name them: the token subject, full name (CN), title. */
const DirectoryPerson = Type.Object(
  {
    subject: Type.String({ pattern: '^[^\\s/]{1,200}$', description: "the access token's sub, e.g. person:nhung" }),
    name: Text(300, 'full name, e.g. Nguyễn Thị Hồng Nhung'),
    title: Text(300, 'title (chức vụ), e.g. Chánh Văn phòng'),
  },
  closed,
);

/**
 * An office as the directory holds it after the change, with what certificates name (the
 * signing service's registration authority takes it from here): the committee's legal name
 * (O), the unit (a seal's CN, a person's OU), the locality (L), and every person of the office.
 */
const DirectoryOfficeFacts = Type.Object(
  {
    name: Text(300, "the office's name in the directory, e.g. Văn phòng Tỉnh ủy Cà Mau"),
    organisation: Text(300, "the committee's legal name certificates name as O, e.g. Tỉnh ủy Cà Mau"),
    unit: Text(300, "a seal's CN and a person's OU, e.g. Văn phòng Tỉnh ủy"),
    locality: Type.Optional(Text(100, "a seal's L, e.g. Cà Mau")),
    level: OfficeLevelSchema,
    parent: Type.Union([Code, Type.Null()], { description: 'the office above; null for a root' }),
    active: Type.Boolean({ description: 'false: retired, no new certificates' }),
    people: Type.Array(DirectoryPerson, {
      maxItems: maxOfficePeople,
      description: 'every person of the office (the whole list: one missing is no longer of it)',
    }),
  },
  closed,
);

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
    office: Type.Optional(DirectoryOfficeFacts),
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

/** What a fixity check expected of an archived object, or found in the store (null: not read). */
const FixityDigest = Type.Object(
  {
    sha256: Type.Union([Sha256, Type.Null()]),
    size: Type.Union([Type.Integer({ minimum: 0, maximum: 2 ** 50 }), Type.Null()]),
  },
  closed,
);

/**
 * `archive.fixity-failed` v1 (archive): a fixity check re-read an archived object at one
 * location and found other bytes than the archive recorded at ingest (`mismatch`), or no
 * such object or version (`missing`). One event per object and check that finds it.
 */
export const ArchiveFixityFailedSchema = Type.Object(
  {
    recordId: Id,
    object: Type.String({
      minLength: 1,
      maxLength: 200,
      description: "the object's name in the package (document.pdf, …)",
    }),
    key: Type.String({ minLength: 1, maxLength: 1024, description: 'the object key in the archive bucket' }),
    versionId: Type.String({ minLength: 1, maxLength: 1024 }),
    location: Code,
    outcome: Type.Union([Type.Literal('mismatch'), Type.Literal('missing')]),
    expected: FixityDigest,
    found: FixityDigest,
    at: DateTime,
  },
  closed,
);
export type ArchiveFixityFailed = Static<typeof ArchiveFixityFailedSchema>;
