/**
 * The fixity run's byte budget as a pure unit on a clock of the test's own: reading N bytes
 * through a bucket of rate B and burst S takes at least (N − S) / B seconds of that clock,
 * concurrent readers share the budget rather than each spending it, a chunk larger than the
 * burst is still served, and nonsense is refused.
 */
import t from 'tap';
import { createTokenBucket } from '../src/fixity/token-bucket.ts';

/** A clock the sleeps advance: nothing waits for real. */
function fakeClock() {
  const clock = { ms: 0, slept: 0 };
  return {
    clock,
    now: () => clock.ms,
    sleep: async (ms: number) => {
      clock.ms += ms;
      clock.slept += ms;
    },
  };
}

await t.test('N bytes at B bytes/s with burst S take (N - S) / B seconds of the clock', async (t) => {
  const { clock, now, sleep } = fakeClock();
  const bucket = createTokenBucket({ ratePerSecond: 1_000_000, burst: 100_000, now, sleep });
  for (let i = 0; i < 100; i += 1) await bucket.take(65_536);
  const seconds = clock.ms / 1000;
  const expected = (100 * 65_536 - 100_000) / 1_000_000;
  t.ok(seconds >= expected - 1e-9, `took ${seconds} s of the clock, at least ${expected}`);
  t.ok(seconds <= expected + 0.001, 'and no more than the budget asks');
});

await t.test('the burst is served at once; time passing refills it, never beyond the burst', async (t) => {
  const { clock, now, sleep } = fakeClock();
  const bucket = createTokenBucket({ ratePerSecond: 1000, burst: 500, now, sleep });
  await bucket.take(500);
  t.equal(clock.slept, 0, 'the burst needs no wait');
  clock.ms += 10_000; // ten idle seconds: the bucket holds 500 again, not 10,000
  await bucket.take(500);
  t.equal(clock.slept, 0);
  await bucket.take(1000);
  t.equal(clock.slept, 1000, 'the rest at the rate');
});

await t.test('a chunk larger than the burst is served after its debt', async (t) => {
  const { clock, now, sleep } = fakeClock();
  const bucket = createTokenBucket({ ratePerSecond: 100, burst: 10, now, sleep });
  await bucket.take(1010);
  t.equal(clock.ms, 10_000);
});

await t.test('concurrent readers share one budget', async (t) => {
  const { clock, now, sleep } = fakeClock();
  const bucket = createTokenBucket({ ratePerSecond: 1000, burst: 1000, now, sleep });
  const reader = async () => {
    for (let i = 0; i < 10; i += 1) await bucket.take(500);
  };
  await Promise.all([reader(), reader(), reader()]);
  t.equal(clock.ms, 14_000, '15,000 bytes at 1,000/s after a burst of 1,000');
});

await t.test('nonsense is refused', async (t) => {
  for (const ratePerSecond of [0, -1, Number.NaN, Number.POSITIVE_INFINITY])
    t.throws(() => createTokenBucket({ ratePerSecond }), RangeError, String(ratePerSecond));
  t.throws(() => createTokenBucket({ ratePerSecond: 1, burst: 0 }), RangeError);
  const bucket = createTokenBucket({ ratePerSecond: 1 });
  for (const n of [-1, Number.NaN, Number.POSITIVE_INFINITY]) await t.rejects(bucket.take(n), RangeError, String(n));
});
