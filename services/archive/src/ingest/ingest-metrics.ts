/**
 * The ingest on `/metrics`: `lienthong_archive_ingest_total{result}`, what this process's
 * consumer of `document.issued` did with each event: `archived` (a new package),
 * `duplicate` (its record was archived already: a redelivery, or the same document under
 * another event id), `retried` (a try that could not archive *now*, to be tried again in place:
 * the store unsafe, signing or the store unreachable), `dead-lettered` (refused on its last try:
 * the bus puts it in the dead-letter topic). Poison (not an envelope) never reaches the
 * handler and is not counted here (`lienthong_bus_dead_letters` has it).
 */
import { Counter, type Registry } from 'prom-client';

/** What became of one try of one event. */
export type IngestResult = 'archived' | 'duplicate' | 'retried' | 'dead-lettered';

const results: readonly IngestResult[] = ['archived', 'duplicate', 'retried', 'dead-lettered'];

/** Registers the counter on `registry` (every result at 0); returns what the consumer calls. */
export function ingestMetrics(registry: Registry): (result: IngestResult) => void {
  const counter = new Counter({
    name: 'lienthong_archive_ingest_total',
    help: 'Events of document.issued this process handled, by result (archived, duplicate, retried, dead-lettered).',
    labelNames: ['result'] as const,
    registers: [registry],
  });
  for (const result of results) counter.inc({ result }, 0);
  return (result) => counter.inc({ result });
}
