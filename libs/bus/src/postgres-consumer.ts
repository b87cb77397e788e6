import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { deliverRun, runHandlerOf, runsOf, type RunPolicy, type SettledOutcome } from './batch-delivery.ts';
import { isDeadLetterTopic } from './dead-letter.ts';
import { retryPolicyOf } from './delivery.ts';
import { deadLetterHeaders } from './headers.ts';
import type { BusLogger } from './logger.ts';
import { appendToLog } from './postgres-log.ts';
import { inTransaction, quoteSchema } from './postgres-schema.ts';
import { assertTopics } from './topic-name.ts';
import { deadLetterTopic, type SubscribeOptions, type Subscription } from './types.ts';
import type { Waker } from './waker.ts';

/** What a Postgres consumer borrows from its bus. */
export interface PostgresConsumerContext {
  pool: Pool;
  schema: string;
  logger: BusLogger;
  waker: Waker;
  pollIntervalMs: number;
  leaseMs: number;
  batchSize: number;
}

interface Row {
  seq: string;
  key: string;
  value: string;
  headers: Record<string, string>;
}

/** One (group, topic) pair consumed by one subscriber, identified by `owner`. */
interface Cursor {
  context: PostgresConsumerContext;
  q: string;
  group: string;
  topic: string;
  owner: string;
}

const leaseSql = (q: string): string =>
  `UPDATE ${q}.positions SET owner = $3, lease_until = now() + $4::int * interval '1 millisecond'
    WHERE group_id = $1 AND topic = $2 AND (owner IS NULL OR owner = $3 OR lease_until < now())
    RETURNING position::text AS position`;

/** Takes or renews the lease of the pair; the committed position if we hold it, else undefined. */
async function claim(c: Cursor): Promise<string | undefined> {
  const { rows } = await c.context.pool.query<{ position: string }>(leaseSql(c.q), [
    c.group,
    c.topic,
    c.owner,
    c.context.leaseMs,
  ]);
  return rows[0]?.position;
}

/**
 * Advances the position past the last of `rows` and sends those that are dead to the
 * dead-letter topic, in one transaction, if we still hold the lease; false when another
 * subscriber took over (then nothing moved).
 */
async function commit(c: Cursor, rows: readonly Row[], outcomes: readonly SettledOutcome[]): Promise<boolean> {
  const advance = `UPDATE ${c.q}.positions SET position = greatest(position, $4::bigint), updated_at = now(),
                          lease_until = now() + $5::int * interval '1 millisecond'
                    WHERE group_id = $1 AND topic = $2 AND owner = $3`;
  const params = [c.group, c.topic, c.owner, rows.at(-1)!.seq, c.context.leaseMs];
  const dead = outcomes.flatMap((outcome, i) => (outcome.kind === 'dead' ? [{ row: rows[i]!, outcome }] : []));
  if (dead.length === 0 || isDeadLetterTopic(c.topic)) {
    for (const { row, outcome } of dead) {
      c.context.logger.error(
        { topic: c.topic, seq: row.seq, reason: outcome.reason },
        'dead letter of a dead-letter topic dropped',
      );
    }
    return (await c.context.pool.query(advance, params)).rowCount === 1;
  }
  const dlq = deadLetterTopic(c.topic);
  const committed = await inTransaction(c.context.pool, async (client) => {
    // The dead letters and the position move together: either both happen or neither.
    const held = await client.query(
      `SELECT 1 FROM ${c.q}.positions WHERE group_id = $1 AND topic = $2 AND owner = $3 FOR UPDATE`,
      [c.group, c.topic, c.owner],
    );
    if (held.rowCount !== 1) return false;
    const letters = dead.map(({ row, outcome }) => ({
      topic: dlq,
      key: row.key,
      value: row.value,
      headers: {
        ...row.headers,
        ...deadLetterHeaders({
          topic: c.topic,
          partition: 0,
          position: row.seq,
          attempts: outcome.attempts,
          reason: outcome.reason,
        }),
      },
    }));
    await appendToLog(client, c.context.schema, letters);
    await client.query(advance, params);
    return true;
  });
  if (committed) c.context.waker.wake(dlq);
  return committed;
}

/** Runs the handler on a run of rows while renewing the lease, so a slow handler keeps its pair. */
async function deliverRows(c: Cursor, rows: readonly Row[], policy: RunPolicy): Promise<SettledOutcome[]> {
  const renew = setInterval(
    () => {
      claim(c).catch((err: unknown) =>
        c.context.logger.warn({ err, topic: c.topic }, 'could not renew the consumer lease'),
      );
    },
    Math.max(1, Math.floor(c.context.leaseMs / 3)),
  );
  try {
    const raws = rows.map((row) => ({
      value: row.value,
      info: { topic: c.topic, key: row.key, position: row.seq, partition: 0, headers: row.headers },
    }));
    return await deliverRun(raws, policy);
  } finally {
    clearInterval(renew);
  }
}

/** The loop of one (group, topic): lease, read in sequence order, deliver, commit, repeat. */
async function consume(c: Cursor, policy: RunPolicy, maxBatch: number, signal: AbortSignal): Promise<void> {
  const { pool, logger, waker, pollIntervalMs, leaseMs } = c.context;
  const batchSize = Math.max(c.context.batchSize, maxBatch);
  // What we last knew of our lease. An idle loop then only reads the log and renews the
  // lease every third of its length, instead of writing the positions row on every poll.
  let held: { position: string; renewAt: number } | undefined;
  const hold = (position: string): void => {
    held = { position, renewAt: Date.now() + leaseMs / 3 };
  };
  while (!signal.aborted) {
    const seen = waker.generation(c.topic);
    try {
      if (!held || Date.now() >= held.renewAt) {
        const position = await claim(c);
        if (position === undefined) held = undefined;
        else hold(position);
      }
      if (!held) {
        await waker.wait(c.topic, pollIntervalMs, signal, seen);
        continue;
      }
      const { rows } = await pool.query<Row>(
        `SELECT seq::text AS seq, key, value, headers FROM ${c.q}.log WHERE topic = $1 AND seq > $2::bigint ORDER BY log.seq LIMIT $3`,
        [c.topic, held.position, batchSize],
      );
      if (rows.length === 0) {
        await waker.wait(c.topic, pollIntervalMs, signal, seen);
        continue;
      }
      for (const run of runsOf(rows, maxBatch)) {
        if (signal.aborted) break;
        const outcomes = await deliverRows(c, run, policy);
        if (outcomes.length === 0) break;
        const settled = run.slice(0, outcomes.length);
        if (!(await commit(c, settled, outcomes))) {
          held = undefined;
          logger.warn(
            { group: c.group, topic: c.topic, seq: settled[0]!.seq },
            'consumer lease lost to another subscriber; events left for it',
          );
          break;
        }
        hold(settled.at(-1)!.seq);
        if (outcomes.length < run.length) break;
      }
    } catch (err) {
      held = undefined;
      logger.error({ err, group: c.group, topic: c.topic }, 'bus consumer loop failed; retrying');
      await sleep(Math.max(pollIntervalMs, 1_000), undefined, { signal }).catch(() => undefined);
    }
  }
  await pool
    .query(
      `UPDATE ${c.q}.positions SET owner = NULL, lease_until = NULL WHERE group_id = $1 AND topic = $2 AND owner = $3`,
      [c.group, c.topic, c.owner],
    )
    .catch((err: unknown) =>
      logger.warn({ err, topic: c.topic }, 'could not release the consumer lease; it expires by itself'),
    );
}

/**
 * Starts a subscriber on the Postgres log. Each topic of the subscription is a (group, topic)
 * pair with one position; the position row is created now (at the start of the log, or at
 * its end when `fromBeginning` is false) so that nothing published after `subscribe`
 * resolves is missed. A lease on the row lets only one subscriber of the group consume the
 * pair at a time; another takes over once it is released (stop) or expires (crash).
 */
export async function startPostgresConsumer(
  context: PostgresConsumerContext,
  options: SubscribeOptions,
): Promise<Subscription> {
  assertTopics(options.topics);
  const { maxAttempts, retryBackoffMs } = retryPolicyOf(options);
  const q = quoteSchema(context.schema);
  const fromBeginning = options.fromBeginning ?? true;
  for (const topic of new Set(options.topics)) {
    await context.pool.query(
      `INSERT INTO ${q}.positions (group_id, topic, position)
         SELECT $1::text, $2::text, CASE WHEN $3::boolean THEN 0 ELSE coalesce((SELECT max(seq) FROM ${q}.log WHERE topic = $2::text), 0) END
       ON CONFLICT (group_id, topic) DO NOTHING`,
      [options.group, topic, fromBeginning],
    );
  }
  const abort = new AbortController();
  const owner = randomUUID();
  const { handleBatch, maxBatch } = runHandlerOf(options);
  const policy: RunPolicy = {
    handleBatch,
    maxAttempts,
    retryBackoffMs,
    signal: abort.signal,
    logger: context.logger,
  };
  const loops = [...new Set(options.topics)].map((topic) =>
    consume({ context, q, group: options.group, topic, owner }, policy, maxBatch, abort.signal),
  );
  let stopped: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopped ??= (async () => {
        abort.abort();
        await Promise.all(loops);
      })();
      return stopped;
    },
  };
}
