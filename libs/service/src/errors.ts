/**
 * Error catalogues and `AppError`. Each package defines one catalogue of stable codes
 * (`defineErrors`); handlers throw `new AppError(catalogue.CODE, …)`; one error handler
 * (`problem-details.ts`) turns it into `application/problem+json` (RFC 9457).
 */
import { Type } from '@sinclair/typebox';

/** One entry of a catalogue: the HTTP status, a short title, an optional default detail. */
export interface ErrorSpec {
  status: number;
  title: string;
  detail?: string;
}

/** A catalogue entry with its code filled in. */
export interface ErrorDefinition<C extends string = string> extends ErrorSpec {
  code: C;
}

/** A catalogue as `defineErrors` returns it: each code maps to its frozen definition. */
export type ErrorCatalogue<T extends Record<string, ErrorSpec>> = {
  readonly [K in keyof T & string]: ErrorDefinition<K> & T[K];
};

/**
 * Defines a catalogue of error codes. Codes are UPPER_SNAKE_CASE and stable: clients and
 * dashboards key on them.
 * @example const errors = defineErrors({ DOCUMENT_NOT_FOUND: { status: 404, title: 'Document not found' } });
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): ErrorCatalogue<T> {
  const catalogue: Record<string, ErrorDefinition> = {};
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE_CASE`);
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new Error(`error code ${code} has status ${spec.status}, not 4xx/5xx`);
    }
    catalogue[code] = Object.freeze({ ...spec, code });
  }
  return Object.freeze(catalogue) as ErrorCatalogue<T>;
}

/** Per-occurrence parts of an `AppError`. */
export interface AppErrorOptions {
  /** This occurrence in words; defaults to the catalogue's detail. Shown to the client. */
  detail?: string;
  /** Extension members added to the problem document (RFC 9457 §3.2), e.g. `{ documentId }`. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/** An error with a catalogue code: everything a client may see about it. */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown>;
  constructor(definition: ErrorDefinition, options: AppErrorOptions = {}) {
    const detail = options.detail ?? definition.detail;
    super(detail === undefined ? definition.title : `${definition.title}: ${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = definition.code;
    this.status = definition.status;
    this.title = definition.title;
    this.detail = detail;
    this.extra = options.extra ?? {};
  }
}

/** The kit's own catalogue: errors any service can answer with. */
export const serviceErrors = defineErrors({
  VALIDATION_FAILED: { status: 400, title: 'Request validation failed', detail: 'The request does not match the schema; see errors[].' },
  MALFORMED_BODY: { status: 400, title: 'Malformed request body', detail: 'The body could not be parsed.' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication required' },
  FORBIDDEN: { status: 403, title: 'Forbidden' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  CONFLICT: { status: 409, title: 'Conflict' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'Payload too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  INTERNAL: { status: 500, title: 'Internal server error', detail: 'An unexpected error occurred; it has been logged.' },
  NOT_READY: { status: 503, title: 'Service not ready', detail: 'One or more readiness checks failed; see checks[].' },
});

/** Where the URIs in `type` point: one per code (RFC 9457 §3.1.1). */
export const problemTypeBase = 'urn:lienthong:problem:';

/** The problem document (RFC 9457) as a TypeBox schema, for route `response` declarations. */
export const ProblemSchema = Type.Object({
  type: Type.String({ description: 'URI naming the problem type: urn:lienthong:problem:<CODE>' }),
  title: Type.String(),
  status: Type.Integer(),
  detail: Type.Optional(Type.String()),
  instance: Type.Optional(Type.String({ description: 'The request path' })),
  code: Type.String({ description: 'Stable error code from the catalogue' }),
  requestId: Type.Optional(Type.String()),
  errors: Type.Optional(Type.Array(Type.Object({
    in: Type.String({ description: 'body, querystring, params or headers' }),
    pointer: Type.String({ description: 'JSON pointer to the field (RFC 6901)' }),
    detail: Type.String(),
  }))),
}, { $id: 'Problem', additionalProperties: true, description: 'RFC 9457 problem details' });
