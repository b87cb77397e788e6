/**
 * The store guard's gauges on `/metrics`, read from the guard's last verdict at each scrape:
 * `lienthong_archive_store_safe` (1 when the last self-test passed, 0 before any and after a
 * failed one) and `lienthong_archive_store_checked_timestamp_seconds` (when the last check
 * ended, Unix seconds; 0 before any). deploy/prometheus/rules/archive.rules.yml alerts on them.
 */
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { StoreGuard } from './store-guard.ts';

/** Registers the two gauges on `registry`. */
export function storeGuardMetrics(registry: Registry, guard: StoreGuard): void {
  new Gauge({
    name: 'lienthong_archive_store_safe',
    help: "1 when the archive store's last self-test passed (locked canary kept), 0 otherwise (ingest refused).",
    registers: [registry],
    collect() {
      this.set(guard.verdict().safe ? 1 : 0);
    },
  });
  new Gauge({
    name: 'lienthong_archive_store_checked_timestamp_seconds',
    help: "When the archive store's last self-test ended, in Unix seconds (0: never).",
    registers: [registry],
    collect() {
      this.set(guard.verdict().checkedAt.getTime() / 1000);
    },
  });
}
