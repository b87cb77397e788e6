/**
 * A token bucket on bytes, so that a fixity run reads no faster than its budget and leaves the
 * store's bandwidth to live traffic. Tokens accrue at `ratePerSecond` up to `burst`; a take
 * larger than what is there runs the bucket into debt and waits until the debt is repaid, so a
 * chunk larger than the burst is still read, just later. The clock and the wait are passed in,
 * so a test runs it on a clock of its own.
 */

/** What a token bucket needs from outside. */
export interface TokenBucketOptions {
  /** Tokens (bytes) added per second; > 0. */
  ratePerSecond: number;
  /** The most tokens the bucket holds (what may be read at once after a pause); default one second's worth. */
  burst?: number;
  /** Milliseconds since some origin (default `performance.now`). */
  now?: () => number;
  /** Waits `ms` milliseconds (default a timer). */
  sleep?: (ms: number) => Promise<void>;
}

/** A bucket of byte tokens. */
export interface TokenBucket {
  /** Takes `n` tokens, first waiting as long as the rate says if there are not enough. */
  take(n: number): Promise<void>;
}

const timerSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A full bucket of `burst` tokens refilled at `ratePerSecond`. Throws RangeError on a rate that is not positive. */
export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const rate = options.ratePerSecond;
  if (!(rate > 0) || !Number.isFinite(rate)) throw new RangeError('ratePerSecond must be a positive number');
  const burst = options.burst ?? rate;
  if (!(burst > 0)) throw new RangeError('burst must be positive');
  const now = options.now ?? (() => performance.now());
  const sleep = options.sleep ?? timerSleep;
  let tokens = burst;
  let at = now();
  // Takes are served one after another, so concurrent readers share the budget instead of each spending it.
  let queue: Promise<void> = Promise.resolve();
  const refill = () => {
    const t = now();
    tokens = Math.min(burst, tokens + ((t - at) / 1000) * rate);
    at = t;
  };
  const takeNow = async (n: number) => {
    refill();
    tokens -= n;
    // Not "< 0": the float left after a refill may be a hair below zero.
    while (tokens < -1e-6) {
      await sleep((-tokens / rate) * 1000);
      refill();
    }
  };
  return {
    take(n) {
      if (!(n >= 0) || !Number.isFinite(n)) return Promise.reject(new RangeError('n must be a finite number >= 0'));
      const turn = queue.then(() => takeNow(n));
      queue = turn.catch(() => {});
      return turn;
    },
  };
}
