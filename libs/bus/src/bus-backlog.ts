/**
 * What waits on the bus, for metrics: how far a consumer group is behind on its topics (the
 * messages after its committed position) and how many dead letters of a topic were not
 * replayed yet. On Kafka, from the group's committed offsets, the partitions' watermarks and
 * the replay ledger of `lienthong-dlq-replay` (replay-ledger.ts), none of it reading a message;
 * on the Postgres log, from `positions`, `log` and `dlq_replayed`, by index.
 */
import { Kafka, type Admin } from 'kafkajs';
import type { Pool } from 'pg';
import { unavailable } from './bus-core.ts';
import { replayGroup } from './dead-letters.ts';
import { kafkaLevelOf, kafkaLogCreator } from './kafka-logging.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import { quoteSchema } from './postgres-schema.ts';
import { parseLedger } from './replay-ledger.ts';
import { deadLetterTopic } from './types.ts';

/** How far one group is behind on one topic: messages after its committed position. */
export interface ConsumerLag {
  group: string;
  topic: string;
  lag: number;
}

/** How many dead letters of a topic (in `<topic>.dlq`) no replay has sent yet. */
export interface DeadLettersWaiting {
  /** The topic the letters came from (not its `.dlq`). */
  topic: string;
  waiting: number;
}

/** The backlog of one transport; each call reads it afresh. */
export interface BusBacklog {
  /** The lag of `group` on each of `topics` (a topic that does not exist yet: 0). */
  consumerLag(group: string, topics: readonly string[]): Promise<ConsumerLag[]>;
  /** The dead letters waiting of each of `topics` (no dead-letter topic: 0). */
  deadLetters(topics: readonly string[]): Promise<DeadLettersWaiting[]>;
  close(): Promise<void>;
}

/** Which transport to read: a Kafka cluster, or a Postgres log (its pool and schema). */
export type BusBacklogTarget =
  | { transport: 'kafka'; brokers: string[]; clientId?: string; logger?: BusLogger }
  | { transport: 'postgres'; pool: Pool; schema?: string };

/**
 * Counting further than this on the Postgres log would scan a backlog that is in any case
 * far past every alert threshold; the figures stop there.
 */
export const backlogCountLimit = 100_000;

/** Reads the backlog of the transport `target` names. */
export function openBusBacklog(target: BusBacklogTarget): BusBacklog {
  return target.transport === 'kafka' ? kafkaBacklog(target) : postgresBacklog(target.pool, target.schema ?? 'bus');
}

function kafkaBacklog(options: { brokers: string[]; clientId?: string; logger?: BusLogger }): BusBacklog {
  const kafka = new Kafka({
    clientId: options.clientId ?? 'lienthong-backlog',
    brokers: options.brokers,
    connectionTimeout: 3_000,
    // A scrape does not wait for retries: the next one asks again.
    retry: { retries: 0 },
    logLevel: kafkaLevelOf('error'),
    logCreator: kafkaLogCreator(options.logger ?? silentLogger),
  });
  let admin: Promise<Admin> | undefined;
  const getAdmin = (): Promise<Admin> => {
    admin ??= (async () => {
      const a = kafka.admin();
      await a.connect();
      return a;
    })().catch((err: unknown) => {
      admin = undefined;
      throw unavailable(err);
    });
    return admin;
  };
  /** The topics of `wanted` that exist: asking Kafka for the offsets of one that does not fails. */
  const existing = async (a: Admin, wanted: readonly string[]): Promise<Set<string>> => {
    const topics = new Set(await a.listTopics());
    return new Set(wanted.filter((t) => topics.has(t)));
  };

  return {
    async consumerLag(group, topics) {
      try {
        const a = await getAdmin();
        const present = await existing(a, topics);
        const committed = present.size === 0 ? [] : await a.fetchOffsets({ groupId: group, topics: [...present] });
        const lags: ConsumerLag[] = [];
        for (const topic of topics) {
          if (!present.has(topic)) {
            lags.push({ group, topic, lag: 0 });
            continue;
          }
          const offsets = new Map(
            (committed.find((c) => c.topic === topic)?.partitions ?? []).map((p) => [p.partition, p.offset]),
          );
          let lag = 0n;
          for (const w of await a.fetchTopicOffsets(topic)) {
            const at = offsets.get(w.partition);
            // No committed offset: the group reads from the earliest retained message.
            const from = at !== undefined && /^\d+$/.test(at) ? BigInt(at) : BigInt(w.low);
            if (BigInt(w.high) > from) lag += BigInt(w.high) - from;
          }
          lags.push({ group, topic, lag: Number(lag) });
        }
        return lags;
      } catch (err) {
        throw unavailable(err);
      }
    },

    async deadLetters(topics) {
      try {
        const a = await getAdmin();
        const dlqs = topics.map(deadLetterTopic);
        const present = await existing(a, dlqs);
        const ledgers = present.size === 0 ? [] : await a.fetchOffsets({ groupId: replayGroup, topics: [...present] });
        const waiting: DeadLettersWaiting[] = [];
        for (const [i, topic] of topics.entries()) {
          const dlq = dlqs[i]!;
          if (!present.has(dlq)) {
            waiting.push({ topic, waiting: 0 });
            continue;
          }
          const partitions = ledgers.find((l) => l.topic === dlq)?.partitions ?? [];
          let count = 0n;
          for (const w of await a.fetchTopicOffsets(dlq)) {
            const p = partitions.find((x) => x.partition === w.partition);
            const ledger = parseLedger(p?.offset ?? '-1', p?.metadata);
            const low = BigInt(w.low);
            const high = BigInt(w.high);
            const from = ledger.next > low ? ledger.next : low;
            if (high <= from) continue;
            count += high - from;
            // Letters replayed one by one above the contiguous prefix are not waiting.
            for (const offset of ledger.above) if (offset >= from && offset < high) count--;
          }
          waiting.push({ topic, waiting: Number(count) });
        }
        return waiting;
      } catch (err) {
        throw unavailable(err);
      }
    },

    async close() {
      const a = admin;
      admin = undefined;
      await a?.then((x) => x.disconnect()).catch(() => undefined);
    },
  };
}

function postgresBacklog(pool: Pool, schema: string): BusBacklog {
  const q = quoteSchema(schema);
  /** Whether the log's tables exist yet (a log nobody used has none). */
  const tablesOf = async (): Promise<{ log: boolean; replayed: boolean }> => {
    const { rows } = await pool.query<{ log: string | null; replayed: string | null }>(
      'SELECT to_regclass($1) AS log, to_regclass($2) AS replayed',
      [`${q}.log`, `${q}.dlq_replayed`],
    );
    return { log: rows[0]?.log != null, replayed: rows[0]?.replayed != null };
  };
  return {
    async consumerLag(group, topics) {
      try {
        if (!(await tablesOf()).log) return topics.map((topic) => ({ group, topic, lag: 0 }));
        // A group without a position starts from the beginning (subscribe's default).
        const { rows } = await pool.query<{ topic: string; lag: string }>(
          `SELECT t.topic, (SELECT count(*) FROM (
               SELECT 1 FROM ${q}.log l
                WHERE l.topic = t.topic
                  AND l.seq > coalesce((SELECT p.position FROM ${q}.positions p WHERE p.group_id = $1 AND p.topic = t.topic), 0)
                LIMIT ${backlogCountLimit}) AS behind) AS lag
             FROM unnest($2::text[]) AS t(topic)`,
          [group, [...topics]],
        );
        return rows.map((r) => ({ group, topic: r.topic, lag: Number(r.lag) }));
      } catch (err) {
        throw unavailable(err);
      }
    },

    async deadLetters(topics) {
      try {
        const tables = await tablesOf();
        if (!tables.log) return topics.map((topic) => ({ topic, waiting: 0 }));
        const notReplayed = tables.replayed
          ? `AND NOT EXISTS (SELECT 1 FROM ${q}.dlq_replayed r WHERE r.topic = l.topic AND r.seq = l.seq)`
          : '';
        const { rows } = await pool.query<{ topic: string; waiting: string }>(
          `SELECT t.topic, (SELECT count(*) FROM (
               SELECT 1 FROM ${q}.log l WHERE l.topic = t.topic || '.dlq' ${notReplayed}
                LIMIT ${backlogCountLimit}) AS letters) AS waiting
             FROM unnest($1::text[]) AS t(topic)`,
          [[...topics]],
        );
        return rows.map((r) => ({ topic: r.topic, waiting: Number(r.waiting) }));
      } catch (err) {
        throw unavailable(err);
      }
    },

    async close() {},
  };
}
