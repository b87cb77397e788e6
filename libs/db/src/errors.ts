/**
 * The error catalogue of `@lienthong/db`: one stable code per failure a caller can act
 * on, with the HTTP status a service should answer with if the error reaches a handler
 * (RFC 9457 problem details are produced by `@lienthong/service`, not here).
 */
export const dbErrors = {
  DB_SCHEMA_NAME_INVALID: {
    status: 500,
    message: 'Schema name must match ^[a-z_][a-z0-9_]{0,62}$',
  },
  DB_MIGRATION_ORDER_INVALID: {
    status: 500,
    message: 'Migration ids must be unique, sorted ascending and must not use the reserved prefix lienthong_',
  },
  DB_MIGRATION_CHECKSUM_MISMATCH: {
    status: 500,
    message: 'An applied migration was edited after it ran; add a new migration instead',
  },
  DB_UNAVAILABLE: {
    status: 503,
    message: 'The database did not answer the readiness query',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of the catalogue. */
export type DbErrorCode = keyof typeof dbErrors;

/** An error raised by this package, carrying its catalogue code and HTTP status. */
export class DbError extends Error {
  readonly code: DbErrorCode;
  readonly status: number;

  constructor(code: DbErrorCode, detail?: string, options?: ErrorOptions) {
    const entry = dbErrors[code];
    super(detail === undefined ? entry.message : `${entry.message}: ${detail}`, options);
    this.name = 'DbError';
    this.code = code;
    this.status = entry.status;
  }
}
