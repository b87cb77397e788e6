/**
 * The metric names dashboards and alerts may use: the names agreed for issue 19 (deploy/README.md,
 * "Metrics"; delivery's evidence and archive's fixity families are in the sources), those the sources define (prom-client `name: '…'`), and the
 * standard ones (Prometheus' own `up` and `ALERTS`, prom-client's process and Node.js
 * defaults). Histograms also expose `_bucket`, `_sum` and `_count`.
 */
import { readFile } from 'node:fs/promises';
import { globSync } from 'node:fs';
import { join } from 'node:path';

/** The agreed names: every service's `service` label comes from libs/service's registry. */
export const agreedMetrics = {
  histograms: ['http_request_duration_seconds', 'lienthong_signature_duration_seconds'],
  others: [
    'lienthong_outbox_pending',
    'lienthong_outbox_oldest_pending_seconds',
    'lienthong_bus_consumer_lag',
    'lienthong_bus_dead_letters',
    'lienthong_documents_submitted_total',
    'lienthong_documents_issued_total',
    'lienthong_numbers_reserved_pending',
    'lienthong_signatures_total',
    'lienthong_certificate_days_left',
    'lienthong_certificates_expiring',
    'lienthong_tsa_tokens_total',
    'lienthong_delivery_legs',
    'lienthong_delivery_oldest_waiting_seconds',
    'lienthong_delivery_consigned_total',
    'lienthong_delivery_overdue_legs',
    'lienthong_archive_ingest_total',
    'lienthong_archive_store_safe',
    'lienthong_archive_store_checked_timestamp_seconds',
    'lienthong_archive_renewal_due',
    'lienthong_archive_hold_lock_ending',
    'lienthong_archive_workers_busy',
  ],
} as const;

/** Names the Prometheus server or prom-client's defaults give. */
const standard = [/^up$/, /^ALERTS(_FOR_STATE)?$/, /^process_[a-z0-9_]+$/, /^nodejs_[a-z0-9_]+$/];

/** Metric names defined in the TypeScript sources of services/ and libs/ (`name: 'lienthong_…'`). */
export async function metricsInSources(root: string): Promise<Set<string>> {
  const files = globSync(['services/*/src/**/*.ts', 'libs/*/src/**/*.ts'], { cwd: root });
  const names = new Set<string>();
  for (const file of files) {
    const text = await readFile(join(root, file), 'utf8');
    for (const match of text.matchAll(/name:\s*['"`]((?:lienthong|http)_[a-z0-9_]+)['"`]/g)) names.add(match[1]!);
  }
  return names;
}

/** Whether `name` is agreed, defined in the sources, or standard. */
export function isKnownMetric(name: string, inSources: ReadonlySet<string>): boolean {
  if (standard.some((pattern) => pattern.test(name))) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  if ((agreedMetrics.histograms as readonly string[]).includes(base)) return true;
  return (agreedMetrics.others as readonly string[]).includes(name) || inSources.has(name) || inSources.has(base);
}
