/** Response declarations of the archive's routes: problem documents and catalog records. */
import { ProblemSchema, Type } from '@lienthong/service';
import type { StoredRecord } from '../catalog/catalog-record.ts';

/** A problem+json (RFC 9457) response of the given meaning. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } };
}

/** The 401 every protected route may answer. */
export const unauthenticated = problemResponse(
  'UNAUTHENTICATED: no valid access token (Authorization: Bearer); TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT',
);

/** The 403 of the catalog: the caller lacks the role. */
export const forbidden = problemResponse('FORBIDDEN: the caller lacks the role (office-system, registry or archivist)');

/** A path parameter that is an id (checked as a UUID by the service: anything else is 404). */
export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

/** A catalog record as the API shows it. */
export const RecordSummary = Type.Object(
  {
    id: Type.String({ description: 'the document id' }),
    kind: Type.Union([Type.Literal('issued'), Type.Literal('received')]),
    issuingOffice: Type.String(),
    receivingOffices: Type.Array(Type.String()),
    number: Type.Integer(),
    symbol: Type.String({ description: 'number and symbol, e.g. 12-CT/TU' }),
    documentType: Type.String({ description: 'libs/records document type code' }),
    issuedDate: Type.String({ format: 'date' }),
    signer: Type.Object({ name: Type.String(), subject: Type.String() }),
    status: Type.String(),
    file: Type.Union([Type.String(), Type.Null()], { description: 'file (hồ sơ) code' }),
    subject: Type.String({ description: 'trích yếu' }),
    createdAt: Type.String({ format: 'date-time', description: 'when the archive catalogued it' }),
  },
  { $id: 'RecordSummary' },
);

/** `record` as the API shows it. */
export function toRecordSummary(record: StoredRecord) {
  return {
    id: record.id,
    kind: record.kind,
    issuingOffice: record.issuingOffice,
    receivingOffices: record.receivingOffices,
    number: record.number,
    symbol: record.symbol,
    documentType: record.documentType,
    issuedDate: record.issuedDate,
    signer: record.signer,
    status: record.status,
    file: record.file,
    subject: record.subject,
    createdAt: record.createdAt.toISOString(),
  };
}
