/**
 * Reads behind scrape-time gauges: the gauges of one scrape share one read, and a read that
 * fails or hangs leaves the gauges as they were, so a database or bus that does not answer
 * never turns `/metrics` into an error nor past Prometheus's scrape timeout (the scrape still
 * answers, `up` stays 1, and the process metrics still come).
 */

/** How long a scrape waits for a read (Prometheus's default scrape timeout is 10 s). */
export const scrapeReadTimeoutMs = 3_000;

/**
 * `read` shared by the `collect()` of one scrape (one call while one is in flight); the
 * returned function answers undefined when the read fails or takes over `timeoutMs`, after
 * passing the error to `onError` (a read that took too long goes on, and is not waited for).
 */
export function scrapeRead<T>(
  read: () => Promise<T>,
  onError: (error: unknown) => void = () => undefined,
  timeoutMs = scrapeReadTimeoutMs,
): () => Promise<T | undefined> {
  let pending: Promise<T | undefined> | undefined;
  return () => {
    pending ??= new Promise<T | undefined>((resolve) => {
      const timer = setTimeout(() => {
        onError(new Error(`the read for /metrics took over ${timeoutMs} ms`));
        resolve(undefined);
      }, timeoutMs);
      read().then(
        (value) => {
          clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clearTimeout(timer);
          onError(error);
          resolve(undefined);
        },
      );
    }).finally(() => {
      // The next scrape reads afresh; the collect() of this one have all asked by then.
      setImmediate(() => {
        pending = undefined;
      });
    });
    return pending;
  };
}
