import type { EncodedEvent } from './bus-core.ts';
import { maxEnvelopeBytes } from './envelope.ts';

/**
 * Bytes of events one produce request carries at most. The broker refuses a partition's
 * record batch over `max.message.bytes` (1 MiB by default, KIP-98 record batches); the
 * budget counts the whole request, so no partition's batch can pass it, and one event
 * alone always fits (its envelope is at most `maxEnvelopeBytes`).
 */
export const produceRequestBudgetBytes = maxEnvelopeBytes;

// A record's own framing (length, attributes, timestamp and offset deltas, varint lengths),
// rounded up; the 61-byte batch header is covered by the budget's margin under 1 MiB.
const recordOverheadBytes = 32;

/** What one event weighs in a produce request: key, value, headers and framing. */
export function recordBytes(event: EncodedEvent): number {
  let bytes = recordOverheadBytes + Buffer.byteLength(event.key) + Buffer.byteLength(event.value);
  for (const [name, value] of Object.entries(event.headers)) {
    bytes += 2 * 5 + Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return bytes;
}

/**
 * Splits events, in their order, into runs that each fit one produce request of
 * `budgetBytes`; an event heavier than the budget is a run of its own.
 */
export function splitForRequests(
  events: readonly EncodedEvent[],
  budgetBytes = produceRequestBudgetBytes,
): EncodedEvent[][] {
  const runs: EncodedEvent[][] = [];
  let run: EncodedEvent[] = [];
  let runBytes = 0;
  for (const event of events) {
    const bytes = recordBytes(event);
    if (run.length > 0 && runBytes + bytes > budgetBytes) {
      runs.push(run);
      run = [];
      runBytes = 0;
    }
    run.push(event);
    runBytes += bytes;
  }
  if (run.length > 0) runs.push(run);
  return runs;
}
