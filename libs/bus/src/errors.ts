/**
 * The error catalogue of `@lienthong/bus`: one stable code per failure a caller can act on,
 * with the HTTP status a service should answer with if the error reaches a request handler
 * (RFC 9457 problem details are produced by `@lienthong/service`, not here).
 */
export const busErrors = {
  BUS_ENVELOPE_INVALID: {
    status: 400,
    message: 'The event envelope is malformed',
  },
  BUS_TOPIC_INVALID: {
    status: 500,
    message: 'Topic names must match ^[A-Za-z0-9._-]{1,249}$ (Kafka topic rules)',
  },
  BUS_SCHEMA_NAME_INVALID: {
    status: 500,
    message: 'Schema name must match ^[a-z_][a-z0-9_]{0,62}$',
  },
  BUS_UNAVAILABLE: {
    status: 503,
    message: 'The event transport did not answer',
  },
  BUS_CLOSED: {
    status: 503,
    message: 'The event bus is closed',
  },
  BUS_SUBSCRIBE_TIMEOUT: {
    status: 503,
    message: 'The consumer did not join its group in time',
  },
} as const satisfies Record<string, { status: number; message: string }>;

/** A code of the catalogue. */
export type BusErrorCode = keyof typeof busErrors;

/** An error raised by this package, carrying its catalogue code and HTTP status. */
export class BusError extends Error {
  readonly code: BusErrorCode;
  readonly status: number;

  constructor(code: BusErrorCode, detail?: string, options?: ErrorOptions) {
    const entry = busErrors[code];
    super(detail === undefined ? entry.message : `${entry.message}: ${detail}`, options);
    this.name = 'BusError';
    this.code = code;
    this.status = entry.status;
  }
}

/** The message of any thrown value, for logs and dead-letter reasons. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
