/**
 * The metadata of a Party document as an office system submits it (docs/DESIGN.md
 * "The flow of one document", step 1; docs/DOMAIN.md "Parts of a Party document"): type,
 * issuing office, subject (trích yếu), recipients (nơi nhận), secrecy, urgency with an
 * optional deadline, signer and authority form, retention class, and the PDF. The number,
 * symbol and date are not here: they are given at issue (DOMAIN "Numbering").
 */
import { Type, type Static } from '@sinclair/typebox';
import { documentTypeProblem, documentTypes, type DocumentType } from './document-types.ts';
import { RecordsError } from './errors.ts';
import { describeProblems, type Checked, type Problem } from './problems.ts';
import { isRealDateTime, mergeProblems, schemaProblems } from './schema-problems.ts';
import {
  Code,
  DateTime,
  DocumentTypeCode,
  FileReference,
  Recipients,
  RetentionClassSchema,
  SecrecyLevelSchema,
  Signer,
  Text,
  UrgencyLevelSchema,
} from './schemas.ts';
import { findSecrecyLevel } from './secrecy.ts';
import { textProblem } from './text.ts';

/** Longest subject (trích yếu), in characters. */
export const maxSubjectLength = 1000;

/** The TypeBox schema of document metadata (route bodies, OpenAPI, `validateDocumentMetadata`). */
export const DocumentMetadataSchema = Type.Object(
  {
    type: DocumentTypeCode,
    issuingOffice: Code,
    subject: Text(maxSubjectLength, 'the subject (trích yếu)'),
    recipients: Recipients,
    secrecy: SecrecyLevelSchema,
    urgency: UrgencyLevelSchema,
    deadline: Type.Optional(DateTime),
    signer: Signer,
    retention: RetentionClassSchema,
    file: FileReference,
  },
  { additionalProperties: false, description: 'metadata of a Party document' },
);

/** Document metadata. */
export type DocumentMetadata = Static<typeof DocumentMetadataSchema>;

/** What the semantic checks may be told. */
export interface MetadataOptions {
  /** The document types known (default `documentTypes`). */
  types?: readonly DocumentType[];
  /** When given, a deadline must be after it. */
  now?: Date;
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The rules beyond the schema, on whatever parts of `value` have the right shape. */
function semanticProblems(value: Record<string, unknown>, options: MetadataOptions): Problem[] {
  const problems: Problem[] = [];
  const { type, subject, recipients, secrecy, urgency, deadline, signer } = value;
  if (typeof type === 'string') {
    const p = documentTypeProblem(type, options.types ?? documentTypes);
    if (p !== undefined) problems.push({ pointer: '/type', message: p });
  }
  if (typeof subject === 'string') {
    const p = textProblem(subject, { maxLength: maxSubjectLength });
    if (p !== undefined) problems.push({ pointer: '/subject', message: p });
  }
  if (isRecord(recipients)) {
    const count = (v: unknown): number => (Array.isArray(v) ? v.length : 0);
    if (count(recipients.offices) + count(recipients.groups) === 0) {
      problems.push({ pointer: '/recipients', message: 'must name at least one recipient office or group' });
    }
  }
  if (typeof secrecy === 'string') {
    const requirement = findSecrecyLevel(secrecy)?.requirement;
    if (requirement?.exchange === 'refused') problems.push({ pointer: '/secrecy', message: requirement.reason });
  }
  if (deadline !== undefined) {
    if (urgency === 'ordinary') {
      problems.push({
        pointer: '/deadline',
        message: 'a deadline is given only with an urgency (Khẩn, Thượng khẩn, Hỏa tốc)',
      });
    }
    if (typeof deadline === 'string' && !isRealDateTime(deadline)) {
      problems.push({ pointer: '/deadline', message: 'is not a real date and time' });
    } else if (
      typeof deadline === 'string' &&
      options.now !== undefined &&
      Date.parse(deadline) <= options.now.getTime()
    ) {
      problems.push({ pointer: '/deadline', message: 'is already past' });
    }
  }
  if (isRecord(signer)) {
    const { authority, onBehalfOf } = signer;
    if (authority !== undefined && onBehalfOf === undefined) {
      problems.push({
        pointer: '/signer/onBehalfOf',
        message: 'must say for whom the authority form signs ("BAN THƯỜNG VỤ", "BÍ THƯ")',
      });
    }
    if (authority === undefined && onBehalfOf !== undefined) {
      problems.push({ pointer: '/signer/authority', message: 'must be given with onBehalfOf (T/M, K/T, T/L or TUQ)' });
    }
    if (typeof onBehalfOf === 'string') {
      const p = textProblem(onBehalfOf, { maxLength: 200 });
      if (p !== undefined) problems.push({ pointer: '/signer/onBehalfOf', message: p });
    }
  }
  return problems;
}

/**
 * Checks `value` as document metadata: the schema, then the rules it cannot say — the
 * type is one of `types`, exactly; texts are NFC without control or invisible characters
 * or white space at the ends; at least one recipient; a secrecy level that may be
 * exchanged (Tối mật and Tuyệt mật may not, docs/DOMAIN.md); a deadline only with an
 * urgency, a real instant, after `now` when given; an authority form with whom it acts
 * for. Returns every problem (up to `maxProblems`) with its JSON Pointer; never throws.
 */
export function validateDocumentMetadata(value: unknown, options: MetadataOptions = {}): Checked<DocumentMetadata> {
  const problems = mergeProblems(
    schemaProblems(DocumentMetadataSchema, value),
    isRecord(value) ? semanticProblems(value, options) : [],
  );
  if (problems.length === 0) return { ok: true, value: value as DocumentMetadata };
  return { ok: false, problems };
}

/** `validateDocumentMetadata` that throws `RECORDS_METADATA_INVALID` with the problems in `extra.problems`. */
export function parseDocumentMetadata(value: unknown, options: MetadataOptions = {}): DocumentMetadata {
  const checked = validateDocumentMetadata(value, options);
  if (checked.ok) return checked.value;
  throw new RecordsError('RECORDS_METADATA_INVALID', describeProblems(checked.problems.slice(0, 5)), {
    extra: { problems: checked.problems },
  });
}
