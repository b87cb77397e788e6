/**
 * Intake on `/metrics`: `lienthong_documents_submitted_total{type}` and
 * `lienthong_documents_issued_total{type}` (this process's new submissions and issues, by
 * document type; a replayed or repeated request counts nothing), and, counted in the database
 * at each scrape (every process reports the same figure), `lienthong_numbers_reserved_pending`
 * (register numbers reserved, neither issued nor cancelled). deploy/prometheus/rules/intake.rules.yml
 * alerts on the gauge.
 */
import type { Pool } from '@lienthong/db';
import { scrapeRead } from '@lienthong/service';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Where the submission and issue paths say that a document was newly submitted or issued. */
export interface IntakeCounters {
  submitted: (type: string) => void;
  issued: (type: string) => void;
}

/** Counting further would scan a pile already far past the alert's threshold. */
const reservedCountLimit = 100_000;

/** Registers the intake metrics on `registry`; returns the counters the paths call. */
export function intakeMetrics(registry: Registry, pool: Pool): IntakeCounters {
  const submitted = new Counter({
    name: 'lienthong_documents_submitted_total',
    help: 'Documents submitted to this process (new ones; a replayed submission counts nothing), by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const issued = new Counter({
    name: 'lienthong_documents_issued_total',
    help: 'Documents this process issued (numbered, sealed and told), by type.',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  // By the partial index on reserved entries.
  const reserved = scrapeRead(async () => {
    const { rows } = await pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM (SELECT 1 FROM register_entry WHERE state = 'reserved' LIMIT ${reservedCountLimit}) AS r`,
    );
    return Number(rows[0]?.n ?? 0);
  });
  new Gauge({
    name: 'lienthong_numbers_reserved_pending',
    help: 'Register numbers reserved and neither issued nor cancelled (counted up to 100000).',
    registers: [registry],
    async collect() {
      const n = await reserved();
      if (n !== undefined) this.set(n);
    },
  });
  return { submitted: (type) => submitted.inc({ type }), issued: (type) => issued.inc({ type }) };
}
