/**
 * How many signatures and seals intake asks of signing at once for one caller. Signing lets
 * a caller (one subject of one office) have `LIENTHONG_SIGNING_UPLOADS_PER_CALLER` PDF
 * uploads in flight (default 2) and refuses the next with 429; a registry issuing a burst of
 * documents through intake would see those refusals as failures. The gate runs at most
 * `perCaller` of a caller's calls at once and queues the next ones, first come first served;
 * beyond `queuePerCaller` waiting, it refuses at once with 503 ISSUE_QUEUE_FULL (and a
 * Retry-After) rather than hold an unbounded number of requests open.
 */
import { AppError } from '@lienthong/service';
import { intakeErrors } from '../errors.ts';

/** The gate's sizes (config `LIENTHONG_INTAKE_SEALS_PER_CALLER`, `LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER`). */
export interface CallerGateLimits {
  perCaller: number;
  queuePerCaller: number;
}

/** Seconds a refused caller is told to wait before asking again. */
export const queueFullRetryAfterSeconds = 2;

/** A per-caller gate in front of signing. */
export interface CallerGate {
  /**
   * Runs `work` when fewer than `perCaller` of `caller`'s calls run; throws 503
   * ISSUE_QUEUE_FULL (without running it) when `queuePerCaller` already wait.
   */
  run<T>(caller: string, work: () => Promise<T>): Promise<T>;
  /** How many of `caller`'s calls run and wait now. */
  load(caller: string): { running: number; waiting: number };
}

interface Lane {
  running: number;
  waiting: Array<() => void>;
}

/** The caller key the signing service counts uploads by: office and subject. */
export const callerKeyOf = (principal: { office: string; subject: string }): string =>
  `${principal.office}\u0000${principal.subject}`;

/** A gate with `limits`. */
export function createCallerGate(limits: CallerGateLimits): CallerGate {
  const lanes = new Map<string, Lane>();

  function release(caller: string, lane: Lane): void {
    const next = lane.waiting.shift();
    // The slot passes straight to the next in line: `running` stays as it is.
    if (next !== undefined) next();
    else {
      lane.running -= 1;
      if (lane.running === 0) lanes.delete(caller);
    }
  }

  return {
    async run(caller, work) {
      let lane = lanes.get(caller);
      if (lane === undefined) {
        lane = { running: 0, waiting: [] };
        lanes.set(caller, lane);
      }
      if (lane.running < limits.perCaller) lane.running += 1;
      else if (lane.waiting.length >= limits.queuePerCaller)
        throw new AppError(intakeErrors.ISSUE_QUEUE_FULL, {
          detail: `${limits.perCaller} of this caller's signatures run and ${limits.queuePerCaller} wait already; try again in ${queueFullRetryAfterSeconds} s. Nothing was reserved or changed.`,
          extra: { retryAfterSeconds: queueFullRetryAfterSeconds },
        });
      else await new Promise<void>((resolve) => lane.waiting.push(resolve));
      try {
        return await work();
      } finally {
        release(caller, lane);
      }
    },
    load(caller) {
      const lane = lanes.get(caller);
      return { running: lane?.running ?? 0, waiting: lane?.waiting.length ?? 0 };
    },
  };
}
