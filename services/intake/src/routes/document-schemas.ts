/** The documents' response schemas and the problems their routes share. */
import { DocumentMetadataSchema, DocumentTypeCode } from '@lienthong/records';
import { AppError, Type } from '@lienthong/service';
import { documentStates } from '@lienthong/records';
import { intakeErrors } from '../errors.ts';

/** A document state as a schema. */
export const DocumentStateSchema = Type.Union(
  documentStates.map((s) => Type.Literal(s)),
  { description: 'draft, awaiting-signature, signed, issued, refused, cancelled, recalled, replaced' },
);

/** A document as the API shows it (documents/document-view.ts). */
export const DocumentSummary = Type.Object({
  id: Type.String({ description: 'the document id (a UUID)' }),
  state: DocumentStateSchema,
  office: Type.String({ description: 'the issuing office: the submitting caller’s' }),
  type: DocumentTypeCode,
  subject: Type.String({ description: 'trích yếu' }),
  metadata: DocumentMetadataSchema,
  sha256: Type.String({ description: 'SHA-256 of the PDF as submitted, lower-case hex; its ETag' }),
  size: Type.Integer({ description: 'bytes of the PDF' }),
  signer: Type.Union([Type.String(), Type.Null()], { description: 'the signer’s token subject' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

/** One transition of the life record. */
export const TransitionSummary = Type.Object({
  from: Type.Union([DocumentStateSchema, Type.Null()], { description: 'null for the creation' }),
  to: DocumentStateSchema,
  action: Type.String({ description: 'create, submit, cancel …' }),
  by: Type.String({ description: 'the subject who did it' }),
  at: Type.String({ format: 'date-time' }),
  reason: Type.Union([Type.String(), Type.Null()]),
});

/** The headers of a submission's answer. */
export const documentHeaders = {
  location: { schema: { type: 'string' }, description: 'the document' },
  'idempotent-replayed': {
    schema: { type: 'string' },
    description: '`true` when this is the kept answer of an earlier request with the same Idempotency-Key',
  },
};

/** A part after `content`. */
export const unexpectedFollowUp = (name: string) =>
  new AppError(intakeErrors.DOCUMENT_UPLOAD_MALFORMED, {
    detail: `Nothing may follow the content part (got ${JSON.stringify(name)}). Nothing was stored.`,
  });
