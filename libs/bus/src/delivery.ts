import { setTimeout as sleep } from 'node:timers/promises';
import { parseEnvelope } from './envelope.ts';
import { messageOf } from './errors.ts';
import type { BusLogger } from './logger.ts';
import type { DeliveryInfo, EventEnvelope, EventHandler } from './types.ts';

/** How one delivery ended: handled, dead-lettered, or abandoned because the consumer stops. */
export type DeliveryOutcome =
  { kind: 'done' } | { kind: 'dead'; reason: string; attempts: number } | { kind: 'abandoned' };

/** One message as both transports hand it over, before it is known to be an envelope. */
export interface RawDelivery {
  value: string | Uint8Array | null;
  info: Omit<DeliveryInfo, 'attempt'>;
}

/** How a consumer retries and waits, whatever its handler. */
export interface RetryPolicy {
  maxAttempts: number;
  retryBackoffMs: number;
  /** Aborted when the consumer stops: no further tries, the event stays uncommitted. */
  signal: AbortSignal;
  logger: BusLogger;
  /** Called before each backoff wait (Kafka heartbeats here); a rejection aborts the delivery. */
  beforeWait?: () => Promise<void>;
}

/** Retry policy and hooks of a consumer of one event at a time. */
export interface DeliveryPolicy extends RetryPolicy {
  handler: EventHandler;
}

const maxBackoffMs = 30_000;

/**
 * Waits before try `attempt + 1`: `retryBackoffMs`, then twice that, and so on (capped at
 * 30 s). False when the consumer stopped meanwhile.
 */
export async function backOff(policy: RetryPolicy, attempt: number): Promise<boolean> {
  await policy.beforeWait?.();
  const delay = Math.min(policy.retryBackoffMs * 2 ** (attempt - 1), maxBackoffMs);
  try {
    await sleep(delay, undefined, { signal: policy.signal });
    return true;
  } catch {
    return false;
  }
}

/** The envelope of a message, or why it is poison (dead at once, never handed to a handler). */
export function parseDelivery(
  raw: RawDelivery,
  logger: BusLogger,
): { envelope: EventEnvelope } | { kind: 'dead'; reason: string; attempts: 0 } {
  try {
    return { envelope: parseEnvelope(raw.value ?? '') };
  } catch (err) {
    logger.error(
      { err, topic: raw.info.topic, position: raw.info.position },
      'poison message sent to the dead-letter topic',
    );
    return { kind: 'dead', reason: `poison: ${messageOf(err)}`, attempts: 0 };
  }
}

/**
 * Hands one event (a message already known to be a valid envelope; poison is dead before it
 * gets here, `parseDelivery`) to the handler: it is tried up to `maxAttempts` times, waiting
 * `retryBackoffMs`, then twice that, and so on (capped at 30 s), before it is declared dead.
 * Ordering is kept by retrying in place: nothing behind it on its partition runs meanwhile.
 */
export async function deliverEnvelope(
  envelope: EventEnvelope,
  raw: RawDelivery,
  policy: DeliveryPolicy,
): Promise<DeliveryOutcome> {
  for (let attempt = 1; ; attempt++) {
    if (policy.signal.aborted) return { kind: 'abandoned' };
    try {
      await policy.handler(envelope, { ...raw.info, attempt });
      return { kind: 'done' };
    } catch (err) {
      const log = { err, topic: raw.info.topic, position: raw.info.position, eventId: envelope.id, attempt };
      if (policy.signal.aborted) return { kind: 'abandoned' };
      if (attempt >= policy.maxAttempts) {
        policy.logger.error(log, 'handler failed for the last time; event sent to the dead-letter topic');
        return { kind: 'dead', reason: `handler failed ${attempt} times: ${messageOf(err)}`, attempts: attempt };
      }
      policy.logger.warn(log, 'handler failed; retrying');
      if (!(await backOff(policy, attempt))) return { kind: 'abandoned' };
    }
  }
}

/** `SubscribeOptions` defaults, checked. */
export function retryPolicyOf(options: { maxAttempts?: number; retryBackoffMs?: number }): {
  maxAttempts: number;
  retryBackoffMs: number;
} {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryBackoffMs = options.retryBackoffMs ?? 100;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new RangeError('maxAttempts must be an integer >= 1');
  if (!Number.isFinite(retryBackoffMs) || retryBackoffMs < 0) throw new RangeError('retryBackoffMs must be >= 0');
  return { maxAttempts, retryBackoffMs };
}
