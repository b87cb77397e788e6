/**
 * How an ingest fails. `IngestRefused`: the event itself cannot be archived (a file that is
 * not the one the event names, a key with path tricks); it goes the bus's way of retries and
 * then the dead-letter topic. `StoreUnsafe` and signing's `ValidationUnavailable`: not now;
 * the consumer waits and tries again in place, for as long as it takes, and the event stays
 * unacknowledged meanwhile (ingest-consumer.ts).
 */
import { isStorageError } from '@lienthong/storage';
import { ValidationUnavailable } from './validation-client.ts';

/** Why an event was refused for good. */
export type IngestRefusal =
  | 'RECORD_ID_NOT_UUID'
  | 'SOURCE_OBJECT_INVALID'
  | 'SOURCE_OBJECT_MISSING'
  | 'FILE_MISMATCH'
  | 'PDF_REFUSED'
  /** Delivery's evidence part is not what the event says, not a part, or a row of it does not verify. */
  | 'EVIDENCE_INVALID';

/** The event cannot be archived as it is; asking again will not change that. */
export class IngestRefused extends Error {
  readonly code: IngestRefusal;
  constructor(code: IngestRefusal, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.name = 'IngestRefused';
    this.code = code;
  }
}

/** The store self-test does not vouch for the archive bucket now (`guard.assertSafe()` threw). */
export class StoreUnsafe extends Error {
  constructor(cause: unknown) {
    super(`the archive store is not known to be safe: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = 'StoreUnsafe';
  }
}

// Connection failures of PostgreSQL (class 08, shutdown 57P01-57P03) and of the socket.
const databaseGone = /^(08...|57P0[1-3]|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE)$/;

/** Whether `error` says "not now" (wait and try the same event again) rather than "never". */
export function isTransient(error: unknown): boolean {
  if (error instanceof StoreUnsafe || error instanceof ValidationUnavailable) return true;
  if (isStorageError(error, 'STORAGE_UNAVAILABLE')) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && databaseGone.test(code);
}
