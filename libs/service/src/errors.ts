/**
 * Error catalogues and `AppError`. Each package defines one catalogue of stable codes
 * (`defineErrors` of `@lienthong/kit`, re-exported here); handlers throw
 * `new AppError(catalogue.CODE, …)`, libraries their own `CodedError` subclass; one error
 * handler (`problem-details.ts`) turns any of them into `application/problem+json` (RFC 9457).
 */
import { CodedError, defineErrors } from '@lienthong/kit';
import type { CodedErrorOptions } from '@lienthong/kit';
import { Type } from '@sinclair/typebox';

export { defineErrors } from '@lienthong/kit';
export type { ErrorCatalogue, ErrorDefinition, ErrorSpec } from '@lienthong/kit';

/** Per-occurrence parts of an `AppError`: `detail` (shown to the client), `extra`, `cause`. */
export type AppErrorOptions = CodedErrorOptions;

/**
 * An error of a service's catalogue: `new AppError(errors.CODE, { detail, extra, cause })`.
 * Everything on it is what a client may see (`@lienthong/kit`'s `CodedError`).
 */
export class AppError<C extends string = string> extends CodedError<C> {}

/** This package's own catalogue: errors any service can answer with. */
export const serviceErrors = defineErrors({
  VALIDATION_FAILED: {
    status: 400,
    title: 'Request validation failed',
    detail: 'The request does not match the schema; see errors[].',
  },
  MALFORMED_BODY: { status: 400, title: 'Malformed request body', detail: 'The body could not be parsed.' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  TOKEN_WRONG_AUDIENCE: { status: 401, title: 'Access token is for another service' },
  TOKEN_BAD_LIFETIME: { status: 401, title: 'Access token lifetime not accepted' },
  TOKEN_BAD_IAT: { status: 401, title: 'Access token issue time not accepted' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  TOO_MANY_REQUESTS: { status: 429, title: 'Too many requests in flight' },
  INTERNAL: {
    status: 500,
    title: 'Internal server error',
    detail: 'An unexpected error occurred; it has been logged.',
  },
  NOT_READY: { status: 503, title: 'Service not ready', detail: 'One or more readiness checks failed; see checks[].' },
});

/** Where the URIs in `type` point: one per code (RFC 9457 §3.1.1). */
export const problemTypeBase = 'urn:lienthong:problem:';

/** The problem document (RFC 9457) as a TypeBox schema, for route `response` declarations. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem type: urn:lienthong:problem:<CODE>' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    code: Type.String({ description: 'Stable error code from the catalogue' }),
    requestId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          in: Type.String({ description: 'body, querystring, params or headers' }),
          pointer: Type.String({ description: 'JSON pointer to the field (RFC 6901)' }),
          detail: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' },
);
