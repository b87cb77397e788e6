/**
 * The TypeBox schemas every other schema is built of. They are plain JSON Schema, so the
 * same object validates here (TypeBox `Value`), in a service's routes (Ajv, which compiles
 * patterns with the `u` flag) and documents the API (OpenAPI 3.1); patterns are therefore
 * written to mean the same with and without `u`, and no `format` is used (TypeBox refuses
 * formats it has not registered). What JSON Schema cannot say (NFC, calendar dates) the
 * validators check after the schema.
 */
import { Type, type TLiteral, type TUnion } from '@sinclair/typebox';
import { authorityFormCodes } from './authority.ts';
import { documentTypeCodePattern } from './document-types.ts';
import { businessTypeIds, exchangeStatusCodes } from './exchange.ts';
import { bodyAbbreviationPattern } from './number-symbol.ts';
import { officeLevelIds } from './offices.ts';
import { accessClassIds, retentionClassIds } from './retention.ts';
import { secrecyLevelIds } from './secrecy.ts';
import { urgencyLevelIds } from './urgency.ts';

/** A union of string literals, as JSON Schema `anyOf` of `const`s. */
function oneOf<const T extends readonly string[]>(values: T, description: string): TUnion<TLiteral<T[number]>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );
}

// C0, DEL and C1 controls, zero-width and direction-changing characters, separators, BOM, soft hyphen.
const forbiddenInText =
  '\\u0000-\\u001F\\u007F-\\u009F\\u00AD\\u200B-\\u200F\\u2028-\\u202E\\u2060-\\u2064\\u2066-\\u2069\\uFEFF';

/** Text a person reads, one line, without control or invisible characters; NFC is checked by the validators. */
export function Text(maxLength: number, description: string) {
  return Type.String({ minLength: 1, maxLength, pattern: `^[^${forbiddenInText}]*$`, description });
}

/** The code of an office, a person or a recipient group in the directory: ASCII letters, digits, `.`, `_`, `-`; 1–64. */
export const Code = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'a directory code (office, person, recipient group)',
});

/** An id of a document, a delivery or a record: printable ASCII without spaces, 1–128 (a UUID fits). */
export const Id = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$', description: 'an id (a UUID fits)' });

/** The pattern of `DateTime`. */
export const dateTimePattern = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})$';

/** An RFC 3339 date-time with a zone (`2026-03-01T08:00:00+07:00`); the validators check that it is a real instant. */
export const DateTime = Type.String({
  pattern: dateTimePattern,
  maxLength: 40,
  description: 'an RFC 3339 date-time with a zone',
});

/** A SHA-256 digest in lower-case hex. */
export const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'a SHA-256 digest in lower-case hex' });

/** A document type's abbreviation (`QĐ`, `CTr`); membership of the list is checked by the validators. */
export const DocumentTypeCode = Type.String({
  pattern: documentTypeCodePattern,
  description: 'a document type abbreviation as in a symbol (QĐ, CTr, ĐA)',
});

/** A number and symbol as parts (see `NumberSymbol`). */
export const NumberSymbolSchema = Type.Object(
  {
    number: Type.Integer({ minimum: 1, maximum: 999_999 }),
    type: DocumentTypeCode,
    bodies: Type.Array(
      Type.String({ pattern: bodyAbbreviationPattern, description: 'a body abbreviation (TU, VPTU, ĐU)' }),
      { minItems: 1, maxItems: 4 },
    ),
  },
  { additionalProperties: false, description: 'number and symbol (số và ký hiệu) as parts' },
);

export const SecrecyLevelSchema = oneOf(
  secrecyLevelIds,
  'secrecy: ordinary, confidential (Mật), secret (Tối mật), top-secret (Tuyệt mật)',
);
export const UrgencyLevelSchema = oneOf(
  urgencyLevelIds,
  'urgency: ordinary, urgent (Khẩn), very-urgent (Thượng khẩn), flash (Hỏa tốc)',
);
export const AuthorityFormSchema = oneOf(authorityFormCodes, 'signing authority form: T/M, K/T, T/L, TUQ');
export const RetentionClassSchema = oneOf(retentionClassIds, 'retention class');
export const OfficeLevelSchema = oneOf(
  officeLevelIds,
  'level of an office: centre, province, district, commune, grassroots',
);
export const AccessClassSchema = oneOf(accessClassIds, 'access class of an archived record');
export const ExchangeStatusCodeSchema = oneOf(exchangeStatusCodes, 'exchange status code (QCVN 102:2016)');
export const BusinessTypeSchema = oneOf(businessTypeIds, 'business type of a sent package');

/** The document's file: a PDF named by its digest and length. */
export const FileReference = Type.Object(
  {
    sha256: Sha256,
    byteLength: Type.Integer({ minimum: 1, maximum: 2 ** 40 }),
    mediaType: Type.Literal('application/pdf'),
  },
  { additionalProperties: false, description: 'the PDF, by SHA-256 and length' },
);

/** Whom a document goes to (nơi nhận): offices and recipient groups of the directory. */
export const Recipients = Type.Object(
  {
    offices: Type.Optional(Type.Array(Code, { maxItems: 10_000, uniqueItems: true })),
    groups: Type.Optional(Type.Array(Code, { maxItems: 100, uniqueItems: true })),
  },
  { additionalProperties: false, description: 'recipients (nơi nhận): offices and recipient groups; at least one' },
);

/** Who signs, and in which authority form for whom ("K/T" for "BÍ THƯ"). */
export const Signer = Type.Object(
  {
    person: Code,
    authority: Type.Optional(AuthorityFormSchema),
    onBehalfOf: Type.Optional(Text(200, 'whom the authority form acts for: "BAN THƯỜNG VỤ", "BÍ THƯ"')),
  },
  { additionalProperties: false },
);
