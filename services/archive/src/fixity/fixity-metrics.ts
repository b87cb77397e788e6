/**
 * Fixity on `/metrics`: `lienthong_archive_fixity_failures_total{outcome}` and
 * `lienthong_archive_fixity_bytes_read_total` (this process's checks), and, read from the
 * database at each scrape, `lienthong_archive_fixity_objects{outcome}` (objects by the outcome
 * of their last check at the location; `unchecked`: never checked there) and
 * `lienthong_archive_fixity_oldest_check_seconds` (how long ago the object checked longest
 * ago was checked). deploy/prometheus/rules/archive.rules.yml alerts on them. The two read from the database scan
 * every object, so a process reads them at most once a minute and answers scrapes in between
 * with what it read.
 */
import { Counter, Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import type { Queryable } from '../queryable.ts';
import type { FixityResult } from './check-object.ts';
import { oldestCheckAge, outcomeCounts } from './fixity-repository.ts';

/** `read` at most once per `ttlMs`: the last answer in between (a failed read answers undefined and is tried again). */
function everyMs<T>(ttlMs: number, read: () => Promise<T>): () => Promise<T | undefined> {
  let last: { at: number; value: T } | undefined;
  return async () => {
    const at = Date.now();
    if (last !== undefined && at - last.at < ttlMs) return last.value;
    const value = await read().catch(() => undefined);
    if (value !== undefined) last = { at, value };
    return value;
  };
}

/** How often the database is read for the gauges, at most. */
const gaugeReadMs = 60_000;

/** Registers the fixity metrics of `location` on `registry`; returns what a run calls after each check. */
export function fixityMetrics(
  registry: Registry,
  pool: Queryable,
  location: string,
  now: () => Date = () => new Date(),
): (result: FixityResult) => void {
  const failures = new Counter({
    name: 'lienthong_archive_fixity_failures_total',
    help: 'Fixity checks of this process that did not find the bytes the archive recorded, by outcome.',
    labelNames: ['outcome', 'location'],
    registers: [registry],
  });
  const bytes = new Counter({
    name: 'lienthong_archive_fixity_bytes_read_total',
    help: 'Bytes this process read back from the store for fixity checks.',
    labelNames: ['location'],
    registers: [registry],
  });
  for (const outcome of ['mismatch', 'missing', 'unreadable']) failures.inc({ outcome, location }, 0);
  const counts = everyMs(gaugeReadMs, () => outcomeCounts(pool, location));
  const oldest = everyMs(gaugeReadMs, () => oldestCheckAge(pool, location, now()));
  bytes.inc({ location }, 0);
  new Gauge({
    name: 'lienthong_archive_fixity_objects',
    help: 'Archived objects by the outcome of their last fixity check at the location (unchecked: never checked).',
    labelNames: ['outcome', 'location'],
    registers: [registry],
    async collect() {
      // A database that does not answer leaves the last values: a scrape never fails for it.
      const read = await counts();
      if (read === undefined) return;
      for (const [outcome, n] of Object.entries(read)) this.set({ outcome, location }, n);
    },
  });
  new Gauge({
    name: 'lienthong_archive_fixity_oldest_check_seconds',
    help: 'Seconds since the object checked longest ago at the location was last checked (never: since archived).',
    labelNames: ['location'],
    registers: [registry],
    async collect() {
      const age = await oldest();
      if (age !== undefined) this.set({ location }, age);
    },
  });
  return (result) => {
    bytes.inc({ location }, result.bytesRead);
    if (result.outcome !== 'ok') failures.inc({ outcome: result.outcome, location });
  };
}
