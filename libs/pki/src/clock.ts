/** The source of "now" for validation and building; pass a fixed clock in tests. */
export interface Clock {
  now(): Date;
}

/** The system clock (default). */
export const systemClock: Clock = { now: () => new Date() };

/** A clock fixed at `at`. */
export function fixedClock(at: Date): Clock {
  return { now: () => new Date(at.getTime()) };
}
