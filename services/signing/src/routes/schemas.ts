/** Response and body declarations shared by the routes: DER bodies and problem documents. */
import { AppError, ProblemSchema, serviceErrors, Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import type { CertificateRecord } from '../ca/certificate-repository.ts';

/** A problem+json (RFC 9457) response of the given meaning. */
export function problemResponse(description: string) {
  return { description, content: { 'application/problem+json': { schema: Type.Ref(ProblemSchema) } } };
}

/** A DER body: bytes as OpenAPI says (`string`, `binary`), a Buffer in TypeScript. */
export const binarySchema = Type.Unsafe<Buffer>({ type: 'string', format: 'binary' });

/** A body streamed back (a signed PDF): bytes in OpenAPI, a Buffer or a stream in TypeScript. */
export function streamedContent(mediaType: string, description: string) {
  return {
    description,
    content: {
      [mediaType]: { schema: Type.Unsafe<Buffer | NodeJS.ReadableStream>({ type: 'string', format: 'binary' }) },
    },
  };
}

/** A binary (DER or PEM) body of one media type. */
export function binaryContent(mediaType: string, description: string) {
  return { description, content: { [mediaType]: { schema: binarySchema } } };
}

/** Standard base64 (RFC 4648 §4), padded; nothing else. */
export const base64Pattern = '^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$';

/**
 * A base64 string field that may be megabytes long: no schema pattern (V8's regular
 * expressions overflow the stack on {@link base64Pattern} beyond about 6 MB, which would be a
 * 500, not a 400); the handler decodes it with {@link decodeBase64Field}.
 */
export const LargeBase64 = (description: string, minLength = 0) =>
  Type.String({ minLength, contentEncoding: 'base64', description });

/**
 * The bytes of a {@link LargeBase64} field; 400 VALIDATION_FAILED naming `pointer` when it is
 * not strict base64 (RFC 4648 §4, padded): decoding and encoding again must give it back.
 */
export function decodeBase64Field(text: string, pointer: string): Uint8Array {
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text)
    throw new AppError(serviceErrors.VALIDATION_FAILED, {
      detail: `body ${pointer}: not base64 (RFC 4648 §4, padded)`,
      extra: { errors: [{ in: 'body', pointer, detail: 'not base64 (RFC 4648 §4, padded)' }] },
    });
  return new Uint8Array(bytes);
}

/** A strict base64 string field (bytes in JSON). */
export const Base64 = (description: string, minLength = 0, maxLength?: number) =>
  Type.String({
    pattern: base64Pattern,
    minLength,
    ...(maxLength === undefined ? {} : { maxLength }),
    contentEncoding: 'base64',
    description,
  });

/** The 401 every protected route may answer. */
export const unauthenticated = problemResponse(
  'UNAUTHENTICATED: no valid access token (Authorization: Bearer); TOKEN_WRONG_AUDIENCE, TOKEN_BAD_LIFETIME or TOKEN_BAD_IAT: a token for another service, living too long, or without a sound iat',
);

/** The media type of a request without parameters, lower case ('' when absent). */
export function mediaTypeOf(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}

/** A certificate of this CA as the API lists it (never its key). */
export const CertificateSummary = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    role: Type.Union(['root', 'issuing-ca', 'tsa', 'ocsp', 'seal', 'person'].map((r) => Type.Literal(r))),
    subject: Type.String(),
    serial: Type.String({ description: 'serialNumber content octets, hex' }),
    notBefore: Type.String({ format: 'date-time' }),
    notAfter: Type.String({ format: 'date-time' }),
    issuerId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
    revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  },
  { $id: 'CertificateSummary' },
);

/** The summary of a stored certificate. */
export function toCertificateSummary(r: CertificateRecord): Static<typeof CertificateSummary> {
  return {
    id: r.id,
    role: r.role,
    subject: r.subject,
    serial: r.serialHex,
    notBefore: r.notBefore.toISOString(),
    notAfter: r.notAfter.toISOString(),
    issuerId: r.issuerId,
    revokedAt: r.revokedAt?.toISOString() ?? null,
  };
}

/** The answers of a route whose upload is read on a parsing worker (workers/parsing-pool.ts). */
export const parsingRefusals = {
  422: problemResponse(
    'PARSING_TIME_LIMIT or PARSING_MEMORY_LIMIT: reading the upload ran over the worker time or memory limit; nothing was judged or signed',
  ),
  503: problemResponse(
    'PARSING_QUEUE_FULL: every worker is busy and the queue is full; retry-after says when to retry',
  ),
};
