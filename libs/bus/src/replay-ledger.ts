/**
 * What a replay sent of one partition of a Kafka dead-letter topic, kept as the committed
 * offset of the group `lienthong-dlq-replay` (every letter below it was replayed) and, in
 * the commit's metadata, the ranges of letters above it replayed by a selective replay
 * (`v1:12-40,45`). Kafka keeps up to `offset.metadata.max.bytes` (4096 by default) of it.
 */
import { BusError } from './errors.ts';

/** What was replayed of one partition: every offset below `next`, and those in `above`. */
export interface PartitionLedger {
  next: bigint;
  above: Set<bigint>;
}

const prefix = 'v1:';
/** Below Kafka's default `offset.metadata.max.bytes` (4096). */
const metadataLimit = 4000;

/** The ledger of a committed offset (`-1`: none) and its metadata; metadata not ours reads as none. */
export function parseLedger(offset: string, metadata: string | null | undefined): PartitionLedger {
  const next = /^\d+$/.test(offset) ? BigInt(offset) : 0n;
  const above = new Set<bigint>();
  if (metadata?.startsWith(prefix)) {
    for (const part of metadata.slice(prefix.length).split(',')) {
      const range = /^(\d+)(?:-(\d+))?$/.exec(part);
      if (!range) continue;
      const from = BigInt(range[1]!);
      const to = range[2] === undefined ? from : BigInt(range[2]);
      // A damaged range must not make us loop for ever: ranges are kept short by `encode`.
      if (to < from || to - from > 1_000_000n) continue;
      for (let o = from; o <= to; o++) if (o >= next) above.add(o);
    }
  }
  return { next, above };
}

/** Whether the letter at `offset` was replayed. */
export const hasReplayed = (ledger: PartitionLedger, offset: bigint): boolean =>
  offset < ledger.next || ledger.above.has(offset);

/** The ledger with `offset` replayed too: the prefix moves over every offset now contiguous. */
export function withReplayed(ledger: PartitionLedger, offset: bigint): PartitionLedger {
  const above = new Set(ledger.above);
  above.add(offset);
  let next = ledger.next;
  while (above.has(next)) above.delete(next++);
  return { next, above };
}

/** The offset to commit and its metadata; `BUS_REPLAY_LEDGER_FULL` when the ranges no longer fit. */
export function encodeLedger(ledger: PartitionLedger): { offset: string; metadata: string | null } {
  const sorted = [...ledger.above].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const ranges: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1n) j++;
    ranges.push(i === j ? `${sorted[i]}` : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  const metadata = ranges.length === 0 ? null : `${prefix}${ranges.join(',')}`;
  if (metadata !== null && metadata.length > metadataLimit) {
    throw new BusError(
      'BUS_REPLAY_LEDGER_FULL',
      `replay the letters from offset ${ledger.next} (or all of them) before more letters selected one by one`,
    );
  }
  return { offset: String(ledger.next), metadata };
}
