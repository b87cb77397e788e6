/**
 * The error catalogue of `@lienthong/db`: one stable code per failure a caller can act
 * on, with the HTTP status a service should answer with if the error reaches a handler
 * (`@lienthong/service` turns it into RFC 9457 problem details). Documented in README.md.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const dbErrors = defineErrors({
  DB_SCHEMA_NAME_INVALID: { status: 500, title: 'Schema name must match ^[a-z_][a-z0-9_]{0,62}$' },
  DB_MIGRATION_ORDER_INVALID: {
    status: 500,
    title: 'Migration ids must be unique, sorted ascending and must not use the reserved prefix lienthong_',
  },
  DB_MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    title: 'An applied migration was edited after it ran; add a new migration instead',
  },
  DB_UNAVAILABLE: { status: 503, title: 'The database did not answer the readiness query' },
});

/** A code of the catalogue. */
export type DbErrorCode = CodeOf<typeof dbErrors>;

/** An error raised by this package: `new DbError(code, detail?, { cause })`. */
export class DbError extends errorClass(dbErrors) {}

/** True when `e` is a `DbError` (of `code`, when given). */
export const isDbError = errorGuard(DbError);
