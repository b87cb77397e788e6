/**
 * The one place that turns errors into responses: `application/problem+json`
 * (RFC 9457). Any error of a catalogue (`CodedError`: a service's `AppError`, a
 * library's `BusError`, `DbError`, `StorageError`, …) keeps its code, status, title and
 * extension members; fastify's validation, body-size, media-type and parse errors get
 * catalogue codes; anything else is a 500 that is logged in full and shown to the client
 * without internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import fp from 'fastify-plugin';
import { isCodedError, type CodedError } from '@lienthong/kit';
import { AppError, problemTypeBase, serviceErrors } from './errors.ts';
import type { ErrorDefinition } from './errors.ts';

/** One entry of `errors[]` in a validation problem: where and why. */
export interface FieldProblem {
  in: string;
  pointer: string;
  detail: string;
}

/** A problem document as sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance: string;
  code: string;
  requestId: string;
  errors?: FieldProblem[];
  [extension: string]: unknown;
}

/** Builds the problem document for `definition` as it happened on `request`. */
export function toProblem(
  request: FastifyRequest,
  definition: ErrorDefinition,
  detail?: string,
  extra: Record<string, unknown> = {},
): Problem {
  const resolved = detail ?? definition.detail;
  return {
    ...extra,
    type: `${problemTypeBase}${definition.code}`,
    title: definition.title,
    status: definition.status,
    ...(resolved === undefined ? {} : { detail: resolved }),
    instance: request.url.split('?')[0] ?? request.url,
    code: definition.code,
    requestId: request.id,
  };
}

/** Sends a problem document with its status and media type. */
export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type('application/problem+json').send(problem);
}

function fieldProblems(context: string, errors: FastifySchemaValidationError[]): FieldProblem[] {
  return errors.map((error) => {
    const params = error.params;
    const child = params.missingProperty ?? params.additionalProperty;
    const pointer = typeof child === 'string' ? `${error.instancePath}/${child}` : error.instancePath;
    return { in: context, pointer: pointer === '' ? '/' : pointer, detail: error.message ?? 'is invalid' };
  });
}

/**
 * The problem of a catalogue error. Its detail is sent, except for a 5xx raised by a
 * library rather than by a service's `AppError`: such a detail names hosts, folders,
 * topics or SQL, so it goes to the log only and the client gets the title.
 */
function codedProblem(request: FastifyRequest, error: CodedError): Problem {
  const { code, status, title } = error;
  const detail = status < 500 || error instanceof AppError ? error.detail : undefined;
  return toProblem(request, { code, status, title }, detail, error.extra);
}

function problemFor(request: FastifyRequest, error: FastifyError): Problem | undefined {
  if (isCodedError(error)) return codedProblem(request, error);
  if (error.validation !== undefined) {
    const errors = fieldProblems(error.validationContext ?? 'request', error.validation);
    const first = errors[0];
    const detail = first === undefined ? undefined : `${first.in} ${first.pointer}: ${first.detail}`;
    return { ...toProblem(request, serviceErrors.VALIDATION_FAILED, detail), errors };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return toProblem(request, serviceErrors.PAYLOAD_TOO_LARGE, error.message);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return toProblem(request, serviceErrors.UNSUPPORTED_MEDIA_TYPE, error.message);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return toProblem(request, serviceErrors.MALFORMED_BODY, error.message);
    default:
      break;
  }
  // Other client errors raised by fastify or its plugins carry safe messages.
  const status = error.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const definition = status === 404 ? serviceErrors.NOT_FOUND : { ...serviceErrors.BAD_REQUEST, status };
    return toProblem(request, definition, error.message);
  }
  return undefined;
}

/**
 * Registers the error handler and the not-found handler. Encapsulation is broken
 * (fastify-plugin) so they apply to every route of the app.
 */
export const problemDetails = fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const problem = problemFor(request, error);
      if (problem !== undefined) {
        if (problem.status >= 500) request.log.error({ err: error }, 'request failed');
        return sendProblem(reply, problem);
      }
      request.log.error({ err: error }, 'unexpected error');
      return sendProblem(reply, toProblem(request, serviceErrors.INTERNAL));
    });
    app.setNotFoundHandler((request, reply) =>
      sendProblem(
        reply,
        toProblem(
          request,
          serviceErrors.NOT_FOUND,
          `No route for ${request.method} ${request.url.split('?')[0] ?? ''}`,
        ),
      ),
    );
  },
  { name: 'problem-details', fastify: '5.x' },
);
