/**
 * `lienthong_archive_renewal_due`: how many packages are due for a new archive time-stamp
 * (never stamped, or within the margin of their protection's end), read from the database at
 * each scrape, so every process reports the same number. `ArchiveRenewalOverdue` alerts on it.
 */
import type { Pool } from '@lienthong/db';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { countDuePackages } from './renew-package.ts';

/** Registers the gauge on `registry`. */
export function renewalMetrics(registry: Registry, pool: Pool, marginMs: number, now: () => Date = () => new Date()) {
  new Gauge({
    name: 'lienthong_archive_renewal_due',
    help: 'Packages due for a new archive time-stamp (none yet, or within the renewal margin of their protection).',
    registers: [registry],
    async collect() {
      this.set(await countDuePackages(pool, now(), marginMs));
    },
  });
}
