/**
 * The error catalogue of `@lienthong/bus`: one stable code per failure a caller can act on,
 * with the HTTP status a service should answer with if the error reaches a request handler
 * (`@lienthong/service` turns it into RFC 9457 problem details). Documented in README.md.
 */
import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

export const busErrors = defineErrors({
  BUS_ENVELOPE_INVALID: { status: 400, title: 'The event envelope is malformed' },
  BUS_TOPIC_INVALID: { status: 500, title: 'Topic names must match ^[A-Za-z0-9._-]{1,249}$ (Kafka topic rules)' },
  BUS_SCHEMA_NAME_INVALID: { status: 500, title: 'Schema name must match ^[a-z_][a-z0-9_]{0,62}$' },
  BUS_UNAVAILABLE: { status: 503, title: 'The event transport did not answer' },
  BUS_CLOSED: { status: 503, title: 'The event bus is closed' },
  BUS_SUBSCRIBE_TIMEOUT: { status: 503, title: 'The consumer did not join its group in time' },
  BUS_TOPIC_NOT_FOUND: { status: 404, title: 'The topic does not exist on the transport' },
  BUS_REPLAY_LEDGER_FULL: {
    status: 409,
    title: 'Too many letters replayed one by one out of order for the record of the replay group',
  },
});

/** A code of the catalogue. */
export type BusErrorCode = CodeOf<typeof busErrors>;

/** An error raised by this package: `new BusError(code, detail?, { cause })`. */
export class BusError extends errorClass(busErrors) {}

/** True when `e` is a `BusError` (of `code`, when given). */
export const isBusError = errorGuard(BusError);

export { messageOf } from '@lienthong/kit';
