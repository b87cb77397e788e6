/**
 * The legs on `/metrics`, read from the database (every process reports the same figures):
 * `lienthong_delivery_legs{status}` (legs by exchange status code, 01..16; legs sent and not
 * yet in an inbox have none and are not counted; from the status index alone), and `lienthong_delivery_oldest_waiting_seconds{office}` (per
 * recipient office with legs sent or arrived but never fetched, since the oldest was sent; an
 * office's series goes once nothing waits), read at each scrape from a partial index. With
 * `lienthong_delivery_consigned_total` (legs this process put into inboxes).
 * deploy/prometheus/rules/delivery.rules.yml alerts on the waiting time.
 */
import type { Pool } from '@lienthong/db';
import { scrapeRead } from '@lienthong/service';
import { Counter, Gauge, type Registry } from 'prom-client';

/** Registers the leg gauges and the consignment counter on `registry`; returns what counts consignments. */
export function legMetrics(registry: Registry, pool: Pool, now: () => Date = () => new Date()): (legs: number) => void {
  const consigned = new Counter({
    name: 'lienthong_delivery_consigned_total',
    help: 'Legs this process put into their recipient office inbox (status 01), each once.',
    registers: [registry],
  });
  const byStatus = scrapeRead(async () => {
    const { rows } = await pool.query<{ status: string; n: string }>(
      'SELECT status, count(*) AS n FROM delivery_leg WHERE status IS NOT NULL GROUP BY status',
    );
    return rows;
  });
  const waiting = scrapeRead(async () => {
    const { rows } = await pool.query<{ recipient: string; seconds: number }>(
      `SELECT recipient, extract(epoch FROM $1::timestamptz - min(sent_at))::float8 AS seconds FROM delivery_leg
        WHERE handed_over_at IS NULL AND (status IS NULL OR status = '01') GROUP BY recipient`,
      [now()],
    );
    return rows;
  });
  new Gauge({
    name: 'lienthong_delivery_legs',
    help: 'Legs by exchange status code (01 arrived … 16), counted in the database.',
    labelNames: ['status'] as const,
    registers: [registry],
    async collect() {
      const rows = await byStatus();
      if (rows === undefined) return;
      this.reset();
      for (const { status, n } of rows) this.set({ status }, Number(n));
    },
  });
  new Gauge({
    name: 'lienthong_delivery_oldest_waiting_seconds',
    help: 'Per recipient office, seconds since the oldest leg not yet handed over (sent or arrived, never fetched) was sent.',
    labelNames: ['office'] as const,
    registers: [registry],
    async collect() {
      const rows = await waiting();
      if (rows === undefined) return;
      // An office with nothing waiting any more drops its series.
      this.reset();
      for (const { recipient, seconds } of rows) this.set({ office: recipient }, Math.max(0, seconds));
    },
  });
  return (legs) => consigned.inc(legs);
}
