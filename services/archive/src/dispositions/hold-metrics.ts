/**
 * `lienthong_archive_hold_lock_ending`: how many records under legal hold have a store lock that
 * ends within a quarter of the hold extension (README "Legal hold"), read from the database at
 * each scrape, so every process reports the same number. The schedule extends a lock once half
 * the extension is left, so a record counted here has been missed by it for a quarter of the
 * extension at least; `ArchiveHeldLockEnding` alerts on it before the lock runs out.
 */
import type { Pool } from '@lienthong/db';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { countHeldLocksEndingBefore } from './disposition-repository.ts';

/** Registers the gauge on `registry`. */
export function holdMetrics(registry: Registry, pool: Pool, extensionMs: number, now: () => Date = () => new Date()) {
  new Gauge({
    name: 'lienthong_archive_hold_lock_ending',
    help: 'Records under legal hold whose store lock (COMPLIANCE retention) ends within a quarter of the hold extension.',
    registers: [registry],
    async collect() {
      this.set(await countHeldLocksEndingBefore(pool, new Date(now().getTime() + extensionMs / 4)));
    },
  });
}
