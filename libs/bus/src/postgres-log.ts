import type { PoolClient } from 'pg';
import { advisoryKey, channelOf, quoteSchema } from './postgres-schema.ts';

/** One message of the Postgres log, before it gets its sequence number. */
export interface LogRow {
  topic: string;
  key: string;
  /** The envelope JSON as published (or, on a dead-letter topic, whatever was consumed). */
  value: string;
  headers: Record<string, string>;
}

/**
 * Appends rows in array order inside the caller's transaction and notifies listeners of
 * the topics on commit. Appenders serialize on a transaction advisory lock, so sequence
 * numbers are handed out in commit order: a reader that saw `seq = n` has seen every row
 * below `n` that will ever exist, and can keep a single position per topic.
 */
export async function appendToLog(client: PoolClient, schema: string, rows: readonly LogRow[]): Promise<void> {
  if (rows.length === 0) return;
  const q = quoteSchema(schema);
  await client.query('SELECT pg_advisory_xact_lock($1::bigint)', [advisoryKey('append', schema)]);
  await client.query(
    `INSERT INTO ${q}.log (topic, key, value, headers)
       SELECT topic, key, value, headers
         FROM unnest($1::text[], $2::text[], $3::text[], $4::jsonb[]) WITH ORDINALITY AS r(topic, key, value, headers, n)
        ORDER BY n`,
    [
      rows.map((r) => r.topic),
      rows.map((r) => r.key),
      rows.map((r) => r.value),
      rows.map((r) => JSON.stringify(r.headers)),
    ],
  );
  const topics = [...new Set(rows.map((r) => r.topic))];
  await client.query('SELECT pg_notify($1, t) FROM unnest($2::text[]) AS t', [channelOf(schema), topics]);
}
