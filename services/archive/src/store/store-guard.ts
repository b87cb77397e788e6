/**
 * Stub of the canary branch's store self-test (same name and interface, /tmp plan of issue
 * 18): the ingest codes against `StoreGuard`; this stand-in is never safe, so nothing is
 * archived through it — the canary's `createStoreGuard` replaces this file.
 */
import type { ObjectStore } from '@lienthong/storage';

/** The last verdict of the store self-test. */
export interface StoreVerdict {
  safe: boolean;
  checkedAt: Date;
  problems: string[];
}

/** The store self-test as the ingest sees it. */
export interface StoreGuard {
  /** Runs the canary test now. */
  check(): Promise<StoreVerdict>;
  /** The last verdict; `safe` is false until a check passed and after any failed one. */
  verdict(): StoreVerdict;
  /** Throws (503 ARCHIVE_STORE_UNSAFE) unless the last verdict is safe. */
  assertSafe(): void;
  start(): void;
  stop(): Promise<void>;
}

/** The stand-in guard: never safe. */
export function createStoreGuard(_deps: {
  store: ObjectStore;
  bucket: string;
  intervalMs: number;
  logger: unknown;
  now?: () => Date;
}): StoreGuard {
  const verdict: StoreVerdict = { safe: false, checkedAt: new Date(0), problems: ['the store self-test is not built'] };
  return {
    check: async () => verdict,
    verdict: () => verdict,
    assertSafe: () => {
      throw new Error('the archive store is not known to be safe (the store self-test is not built)');
    },
    start: () => {},
    stop: async () => {},
  };
}
