/**
 * Every place a JSON body breaks its schema, not only the first: the routes' validator
 * (Ajv, as the kit configures it) stops at the first error, and a directory file with
 * mistakes on many rows deserves them all at once. The schema is the route's own, read
 * with TypeBox's `Value.Errors`; the answer is the kit's VALIDATION_FAILED with `errors`.
 */
import { Value } from '@sinclair/typebox/value';
import { AppError, serviceErrors } from '@lienthong/service';
import type { TSchema } from '@lienthong/service';

/** Most schema errors listed. */
const maxErrors = 100;

/** The VALIDATION_FAILED error listing where `body` breaks `schema` (at most 100), or `fallback` when TypeBox finds nothing Ajv did. */
export function bodyValidationError(schema: TSchema, body: unknown, fallback: Error): Error {
  const errors: { in: string; pointer: string; detail: string }[] = [];
  for (const error of Value.Errors(schema, body)) {
    // TypeBox reports a union's branches too; the union's own line says enough.
    if (errors.some((e) => e.pointer === (error.path || '/'))) continue;
    errors.push({ in: 'body', pointer: error.path || '/', detail: error.message });
    if (errors.length >= maxErrors) break;
  }
  const first = errors[0];
  if (first === undefined) return fallback;
  return new AppError(serviceErrors.VALIDATION_FAILED, {
    detail: `body ${first.pointer}: ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more: see errors)` : ''}`,
    extra: { errors },
  });
}
