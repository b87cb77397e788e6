import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import { isDeadLetterTopic } from './dead-letter.ts';
import { deliver, retryPolicyOf, type DeliveryOutcome, type DeliveryPolicy } from './delivery.ts';
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

/** Advances the position past `row` if we still hold the lease; false when another subscriber took over. */
async function commit(c: Cursor, row: Row, outcome: DeliveryOutcome): Promise<boolean> {
  const advance = `UPDATE ${c.q}.positions SET position = greatest(position, $4::bigint), updated_at = now(),
                          lease_until = now() + $5::int * interval '1 millisecond'
                    WHERE group_id = $1 AND topic = $2 AND owner = $3`;
  const params = [c.group, c.topic, c.owner, row.seq, c.context.leaseMs];
  if (outcome.kind !== 'dead' || isDeadLetterTopic(c.topic)) {
    if (outcome.kind === 'dead') {
      c.context.logger.error(
        { topic: c.topic, seq: row.seq, reason: outcome.reason },
        'dead letter of a dead-letter topic dropped',
      );
    }
    return (await c.context.pool.query(advance, params)).rowCount === 1;
  }
  const dlq = deadLetterTopic(c.topic);
  const committed = await inTransaction(c.context.pool, async (client) => {
    // The dead letter and the position move together: either both happen or neither.
    const held = await client.query(
      `SELECT 1 FROM ${c.q}.positions WHERE group_id = $1 AND topic = $2 AND owner = $3 FOR UPDATE`,
      [c.group, c.topic, c.owner],
    );
    if (held.rowCount !== 1) return false;
    const headers = {
      ...row.headers,
      ...deadLetterHeaders({
        topic: c.topic,
        partition: 0,
        position: row.seq,
        attempts: outcome.attempts,
        reason: outcome.reason,
      }),
    };
    await appendToLog(client, c.context.schema, [{ topic: dlq, key: row.key, value: row.value, headers }]);
    await client.query(advance, params);
    return true;
  });
  if (committed) c.context.waker.wake(dlq);
  return committed;
}

/** Runs the handler on one row while renewing the lease, so a slow handler keeps its pair. */
async function deliverRow(c: Cursor, row: Row, policy: DeliveryPolicy): Promise<DeliveryOutcome> {
  const renew = setInterval(
    () => {
      claim(c).catch((err: unknown) =>
        c.context.logger.warn({ err, topic: c.topic }, 'could not renew the consumer lease'),
      );
    },
    Math.max(1, Math.floor(c.context.leaseMs / 3)),
  );
  try {
    const info = { topic: c.topic, key: row.key, position: row.seq, partition: 0, headers: row.headers };
    return await deliver({ value: row.value, info }, policy);
  } finally {
    clearInterval(renew);
  }
}

/** The loop of one (group, topic): lease, read in sequence order, deliver, commit, repeat. */
async function consume(c: Cursor, policy: DeliveryPolicy, signal: AbortSignal): Promise<void> {
  const { pool, logger, waker, pollIntervalMs, batchSize, leaseMs } = c.context;
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
      for (const row of rows) {
        if (signal.aborted) break;
        const outcome = await deliverRow(c, row, policy);
        if (outcome.kind === 'abandoned') break;
        if (!(await commit(c, row, outcome))) {
          held = undefined;
          logger.warn(
            { group: c.group, topic: c.topic, seq: row.seq },
            'consumer lease lost to another subscriber; event left for it',
          );
          break;
        }
        hold(row.seq);
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
  const policy: DeliveryPolicy = {
    handler: options.handler,
    maxAttempts,
    retryBackoffMs,
    signal: abort.signal,
    logger: context.logger,
  };
  const loops = [...new Set(options.topics)].map((topic) =>
    consume({ context, q, group: options.group, topic, owner }, policy, abort.signal),
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
