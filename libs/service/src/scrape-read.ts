/**
 * Reads behind scrape-time gauges: the gauges of one scrape share one read, and a read that
 * fails leaves the gauges as they were, so a database or bus that does not answer never turns
 * `/metrics` into an error (the scrape still answers, `up` stays 1, and the process metrics
 * still come).
 */

/**
 * `read` shared by the `collect()` of one scrape (one call while one is in flight); the
 * returned function answers undefined when the read fails, after passing the error to `onError`.
 */
export function scrapeRead<T>(
  read: () => Promise<T>,
  onError: (error: unknown) => void = () => undefined,
): () => Promise<T | undefined> {
  let pending: Promise<T | undefined> | undefined;
  return () => {
    pending ??= read()
      .catch((error: unknown) => {
        onError(error);
        return undefined;
      })
      .finally(() => {
        // The next scrape reads afresh; the collect() of this one have all asked by then.
        setImmediate(() => {
          pending = undefined;
        });
      });
    return pending;
  };
}
