/**
 * Dead letters on Kafka: `<topic>.dlq` read from its low to its high watermark (taken when
 * the call starts) by a consumer; a replay is a member of the group `lienthong-dlq-replay`
 * that commits, after each publish, what it sent (replay-ledger.ts).
 */
import { randomUUID } from 'node:crypto';
import { Kafka, Partitioners, type Admin, type IHeaders, type Producer } from 'kafkajs';
import { unavailable } from './bus-core.ts';
import {
  checkSelection,
  describeLetter,
  isDeadLetterHeader,
  isSelected,
  replayedFrom,
  replayedFromHeader,
  replayGroup,
  sourceTopicOf,
  type DeadLetter,
  type DeadLetters,
} from './dead-letters.ts';
import { BusError } from './errors.ts';
import { headersToStrings } from './headers.ts';
import { kafkaLevelOf, kafkaLogCreator } from './kafka-logging.ts';
import { readUpTo, type StoredMessage } from './kafka-topic-reader.ts';
import { silentLogger, type BusLogger } from './logger.ts';
import { encodeLedger, hasReplayed, parseLedger, withReplayed, type PartitionLedger } from './replay-ledger.ts';
import { deadLetterTopic } from './types.ts';

/** Where the Kafka dead letters are. */
export interface KafkaDeadLettersOptions {
  brokers: string[];
  /** Client id the brokers see (default `lienthong-dlq`). */
  clientId?: string;
  logger?: BusLogger;
  /** How long one read of a dead-letter topic may take (default 60000 ms). */
  readTimeoutMs?: number;
}

const utf8 = (b: Buffer | null | undefined): string | null => (b == null ? null : b.toString('utf8'));

/** The headers a replayed event carries: the original's without the dead-letter ones, plus where it came from. */
function replayHeaders(headers: IHeaders | undefined, letter: DeadLetter): IHeaders {
  const out: IHeaders = {};
  for (const [name, value] of Object.entries(headers ?? {})) if (!isDeadLetterHeader(name)) out[name] = value;
  out[replayedFromHeader] = replayedFrom(letter);
  return out;
}

/** Dead letters of `<topic>.dlq` on the Kafka at `brokers`, for an operator. */
export function createKafkaDeadLetters(options: KafkaDeadLettersOptions): DeadLetters {
  const logger = options.logger ?? silentLogger;
  const readTimeoutMs = options.readTimeoutMs ?? 60_000;
  const kafka = new Kafka({
    clientId: options.clientId ?? 'lienthong-dlq',
    brokers: options.brokers,
    connectionTimeout: 3_000,
    logLevel: kafkaLevelOf('error'),
    logCreator: kafkaLogCreator(logger),
  });
  let admin: Admin | undefined;
  let producer: Producer | undefined;

  const getAdmin = async (): Promise<Admin> => {
    if (!admin) {
      const a = kafka.admin();
      await a.connect().catch((err: unknown) => {
        throw unavailable(err);
      });
      admin = a;
    }
    return admin;
  };

  const getProducer = async (): Promise<Producer> => {
    if (!producer) {
      const p = kafka.producer({
        idempotent: true,
        maxInFlightRequests: 1,
        allowAutoTopicCreation: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await p.connect().catch((err: unknown) => {
        throw unavailable(err);
      });
      producer = p;
    }
    return producer;
  };

  /** What the group `lienthong-dlq-replay` recorded of each partition of `dlq`; `BUS_TOPIC_NOT_FOUND` if there is no `dlq`. */
  const ledgersOf = async (dlq: string): Promise<Map<number, PartitionLedger>> => {
    const a = await getAdmin();
    const topics = await a.listTopics().catch((err: unknown) => {
      throw unavailable(err);
    });
    if (!topics.includes(dlq)) throw new BusError('BUS_TOPIC_NOT_FOUND', dlq);
    const [entry] = await a.fetchOffsets({ groupId: replayGroup, topics: [dlq] }).catch((err: unknown) => {
      throw unavailable(err);
    });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, parseLedger(p.offset, p.metadata)]));
  };

  /** The last offset of each partition of `dlq` with letters at or after `from(partition)`. */
  const pendingOf = async (dlq: string, from: (partition: number) => bigint): Promise<Map<number, bigint>> => {
    const watermarks = await (await getAdmin()).fetchTopicOffsets(dlq).catch((err: unknown) => {
      throw unavailable(err);
    });
    const pending = new Map<number, bigint>();
    for (const w of watermarks) {
      const start = BigInt(w.low) > from(w.partition) ? BigInt(w.low) : from(w.partition);
      if (start < BigInt(w.high)) pending.set(w.partition, BigInt(w.high) - 1n);
    }
    return pending;
  };

  const letterOf = (dlq: string, stored: StoredMessage, ledgers: Map<number, PartitionLedger>): DeadLetter =>
    describeLetter({
      topic: dlq,
      partition: stored.partition,
      offset: stored.message.offset,
      key: utf8(stored.message.key),
      value: utf8(stored.message.value),
      headers: headersToStrings(stored.message.headers),
      time: new Date(Number(stored.message.timestamp)).toISOString(),
      replayed: hasReplayed(ledgers.get(stored.partition) ?? parseLedger('-1', null), BigInt(stored.message.offset)),
    });

  return {
    async list({ topic }) {
      const dlq = deadLetterTopic(sourceTopicOf(topic));
      const ledgers = await ledgersOf(dlq);
      const letters: DeadLetter[] = [];
      const pending = await pendingOf(dlq, () => 0n);
      await readUpTo(
        kafka,
        { topic: dlq, groupId: `lienthong-dlq-list-${randomUUID()}`, pending, timeoutMs: readTimeoutMs },
        async (stored) => {
          letters.push(letterOf(dlq, stored, ledgers));
        },
      );
      return letters.sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
    },

    async replay({ topic, select, dryRun }) {
      checkSelection(select);
      const source = sourceTopicOf(topic);
      const dlq = deadLetterTopic(source);
      const ledgers = await ledgersOf(dlq);
      const ledgerOf = (partition: number): PartitionLedger => ledgers.get(partition) ?? parseLedger('-1', null);
      const sent: DeadLetter[] = [];
      const pending = await pendingOf(dlq, (partition) => ledgerOf(partition).next);
      const group = dryRun === true ? `lienthong-dlq-list-${randomUUID()}` : replayGroup;
      await readUpTo(
        kafka,
        { topic: dlq, groupId: group, pending, timeoutMs: readTimeoutMs },
        async (stored, consumer) => {
          const letter = letterOf(dlq, stored, ledgers);
          if (letter.replayed || !isSelected(letter, select)) return;
          if (dryRun === true) {
            sent.push(letter);
            return;
          }
          const next = withReplayed(ledgerOf(stored.partition), BigInt(letter.offset));
          const commit = encodeLedger(next); // refuses before sending when the record would not fit
          try {
            await (
              await getProducer()
            ).send({
              topic: source,
              acks: -1,
              messages: [
                {
                  key: stored.message.key,
                  value: stored.message.value,
                  headers: replayHeaders(stored.message.headers, letter),
                },
              ],
            });
            await consumer.commitOffsets([{ topic: dlq, partition: stored.partition, ...commit }]);
          } catch (err) {
            throw unavailable(err);
          }
          ledgers.set(stored.partition, next);
          sent.push(letter);
          logger.info({ topic: source, from: replayedFrom(letter), eventId: letter.eventId }, 'dead letter replayed');
        },
      );
      return sent;
    },

    async close() {
      await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
      admin = undefined;
      producer = undefined;
    },
  };
}
