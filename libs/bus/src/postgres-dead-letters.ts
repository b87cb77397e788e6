/**
 * Dead letters on the Postgres log: the rows of `<topic>.dlq` in the log, and the table
 * `dlq_replayed` of the same schema naming each letter replayed. A replay appends the event
 * to its topic and records the letter in one transaction, so it is sent exactly once.
 */
import pg from 'pg';
import type { Pool } from 'pg';
import { unavailable } from './bus-core.ts';
import {
  checkSelection,
  describeLetter,
  isDeadLetterHeader,
  isSelected,
  replayedFrom,
  replayedFromHeader,
  sourceTopicOf,
  type DeadLetter,
  type DeadLetters,
} from './dead-letters.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import { appendToLog } from './postgres-log.ts';
import { createLogSchema, inTransaction, quoteSchema } from './postgres-schema.ts';
import { deadLetterTopic } from './types.ts';

/** Where the log is: a pool, or a connection string (then a pool of its own, ended by `close`). */
export type PostgresDeadLettersOptions = ({ pool: Pool } | { databaseUrl: string }) & {
  /** Schema of the log (default `bus`, as the embedded mode's). */
  schema?: string;
  logger?: BusLogger;
};

interface Row {
  seq: string;
  key: string;
  value: string;
  headers: Record<string, string>;
  created_at: Date;
  replayed: boolean;
}

/** Dead letters of `<topic>.dlq` on the Postgres log, for an operator. */
export function createPostgresDeadLetters(options: PostgresDeadLettersOptions): DeadLetters {
  const schema = options.schema ?? 'bus';
  const q = quoteSchema(schema);
  const logger = options.logger ?? silentLogger;
  const owned = 'pool' in options ? undefined : new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  owned?.on('error', (err) => logger.warn({ err }, 'dead letters: idle connection failed'));
  const pool = 'pool' in options ? options.pool : owned!;

  /** The rows of `dlq`, with whether each was replayed; none when the log has no such schema. */
  const rowsOf = async (dlq: string): Promise<Row[]> => {
    try {
      const { rows: tables } = await pool.query<{ log: string | null; replayed: string | null }>(
        'SELECT to_regclass($1) AS log, to_regclass($2) AS replayed',
        [`${q}.log`, `${q}.dlq_replayed`],
      );
      if (tables[0]?.log == null) return [];
      const replayed =
        tables[0].replayed == null
          ? 'false'
          : `EXISTS (SELECT 1 FROM ${q}.dlq_replayed r WHERE r.topic = l.topic AND r.seq = l.seq)`;
      const { rows } = await pool.query<Row>(
        `SELECT l.seq::text AS seq, l.key, l.value, l.headers, l.created_at, ${replayed} AS replayed
           FROM ${q}.log l WHERE l.topic = $1 ORDER BY l.seq`,
        [dlq],
      );
      return rows;
    } catch (err) {
      throw unavailable(err);
    }
  };

  const letterOf = (dlq: string, row: Row): DeadLetter =>
    describeLetter({
      topic: dlq,
      partition: 0,
      offset: row.seq,
      key: row.key,
      value: row.value,
      headers: row.headers,
      time: row.created_at.toISOString(),
      replayed: row.replayed,
    });

  return {
    async list({ topic }) {
      const dlq = deadLetterTopic(sourceTopicOf(topic));
      return (await rowsOf(dlq)).map((row) => letterOf(dlq, row));
    },

    async replay({ topic, select, dryRun }) {
      checkSelection(select);
      const source = sourceTopicOf(topic);
      const dlq = deadLetterTopic(source);
      const chosen = (await rowsOf(dlq))
        .map((row) => ({ row, letter: letterOf(dlq, row) }))
        .filter(({ letter }) => !letter.replayed && isSelected(letter, select));
      if (dryRun === true) return chosen.map(({ letter }) => letter);
      // Adds `dlq_replayed` to a log made before it existed.
      await createLogSchema(pool, schema).catch((err: unknown) => {
        throw unavailable(err);
      });
      const sent: DeadLetter[] = [];
      for (const { row, letter } of chosen) {
        const headers: Record<string, string> = {};
        for (const [name, value] of Object.entries(row.headers)) if (!isDeadLetterHeader(name)) headers[name] = value;
        headers[replayedFromHeader] = replayedFrom(letter);
        const fresh = await inTransaction(pool, async (client) => {
          // Another replay running now took it first: that one sends it.
          const claimed = await client.query(
            `INSERT INTO ${q}.dlq_replayed (topic, seq) VALUES ($1, $2::bigint) ON CONFLICT DO NOTHING`,
            [dlq, row.seq],
          );
          if (claimed.rowCount !== 1) return false;
          await appendToLog(client, schema, [{ topic: source, key: row.key, value: row.value, headers }]);
          return true;
        }).catch((err: unknown) => {
          throw unavailable(err);
        });
        if (!fresh) continue;
        sent.push(letter);
        logger.info({ topic: source, from: replayedFrom(letter), eventId: letter.eventId }, 'dead letter replayed');
      }
      return sent;
    },

    async close() {
      await owned?.end();
    },
  };
}
