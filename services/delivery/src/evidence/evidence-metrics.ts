/**
 * The evidence gauges on `/metrics`, counted in the database at each scrape (every process
 * reports the same figures): `lienthong_delivery_evidence_unsealed` (rows waiting for their
 * seal), `lienthong_delivery_evidence_oldest_unsealed_seconds` (since the oldest of them
 * was acted), `lienthong_delivery_evidence_unstamped` (sealed rows whose batch has no token yet)
 * and `lienthong_delivery_evidence_oldest_unstamped_seconds` (since the oldest of those was
 * sealed; 0 when none waits), `lienthong_delivery_evidence_unpublished_batches` (stamped batches
 * whose parts are not yet written and told for the archive) and
 * `lienthong_delivery_evidence_oldest_unpublished_seconds` (since the oldest of those was
 * stamped). deploy/prometheus/rules/delivery.rules.yml alerts on them.
 */
import type { Pool } from '@lienthong/db';
import { Gauge } from 'prom-client';
import type { Registry } from 'prom-client';
import { countEvidenceBacklog } from './evidence-repository.ts';

/** Registers the six gauges on `registry`; one query per scrape serves them all. */
export function evidenceMetrics(registry: Registry, pool: Pool, now: () => Date = () => new Date()): void {
  let pending: Promise<Awaited<ReturnType<typeof countEvidenceBacklog>>> | undefined;
  // The collect() of one scrape share one count.
  const backlog = () => {
    pending ??= countEvidenceBacklog(pool, now()).finally(() => {
      setImmediate(() => {
        pending = undefined;
      });
    });
    return pending;
  };
  new Gauge({
    name: 'lienthong_delivery_evidence_unsealed',
    help: 'Evidence rows not sealed yet (signing down, refusing or behind).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).unsealed);
    },
  });
  new Gauge({
    name: 'lienthong_delivery_evidence_oldest_unsealed_seconds',
    help: 'Seconds since the act of the oldest evidence row not sealed yet (0: none waits).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestUnsealedSeconds);
    },
  });
  new Gauge({
    name: 'lienthong_delivery_evidence_unstamped',
    help: 'Sealed evidence rows whose batch has no time-stamp yet (the TSA down or behind).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).unstamped);
    },
  });
  new Gauge({
    name: 'lienthong_delivery_evidence_oldest_unstamped_seconds',
    help: 'Seconds since the oldest sealed, not yet time-stamped evidence row was sealed (0: none waits).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestUnstampedSeconds);
    },
  });
  new Gauge({
    name: 'lienthong_delivery_evidence_unpublished_batches',
    help: 'Stamped evidence batches not yet written to the evidence bucket and told (delivery.evidence-stamped).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).unpublished);
    },
  });
  new Gauge({
    name: 'lienthong_delivery_evidence_oldest_unpublished_seconds',
    help: 'Seconds since the oldest stamped batch not yet handed to the archive was stamped (0: none waits).',
    registers: [registry],
    async collect() {
      this.set((await backlog()).oldestUnpublishedSeconds);
    },
  });
}
