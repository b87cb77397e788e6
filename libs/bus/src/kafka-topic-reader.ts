/**
 * Reads a Kafka topic up to given offsets with a consumer of its own, for tools rather than
 * services: a listing (a throwaway group that commits nothing) or a replay (a group that
 * commits as it goes).
 */
import type { Consumer, Kafka, KafkaMessage } from 'kafkajs';
import { unavailable } from './bus-core.ts';
import { BusError } from './errors.ts';

/** A message of the topic and its partition. */
export interface StoredMessage {
  partition: number;
  message: KafkaMessage;
}

/** What to read: the topic, as which group, and the last offset to read of each partition. */
export interface ReadUpTo {
  topic: string;
  /** The group read as: it starts from its committed offsets, else from the earliest. */
  groupId: string;
  /** Partition → last offset to read; partitions not named are not waited for. */
  pending: Map<number, bigint>;
  /** The whole read fails as `BUS_UNAVAILABLE` after this long. */
  timeoutMs: number;
}

/**
 * Hands each message up to the last offsets of `pending`, in order per partition, to `each`
 * (which may use the consumer to commit; nothing is committed otherwise), then disconnects.
 * The first failure of `each` stops the read and is thrown.
 */
export async function readUpTo(
  kafka: Kafka,
  read: ReadUpTo,
  each: (stored: StoredMessage, consumer: Consumer) => Promise<void>,
): Promise<void> {
  const pending = new Map(read.pending);
  if (pending.size === 0) return;
  const consumer = kafka.consumer({ groupId: read.groupId, maxWaitTimeInMs: 250, allowAutoTopicCreation: false });
  let settle!: (err?: Error) => void;
  const done = new Promise<void>((resolve, reject) => {
    settle = (err) => (err === undefined ? resolve() : reject(err));
  });
  let failed = false;
  const timer = setTimeout(
    () => settle(new BusError('BUS_UNAVAILABLE', `reading ${read.topic} took over ${read.timeoutMs} ms`)),
    read.timeoutMs,
  );
  consumer.on(consumer.events.CRASH, (event) => {
    if (!event.payload.restart) settle(unavailable(event.payload.error));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [read.topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          const last = pending.get(batch.partition);
          if (failed || last === undefined || BigInt(message.offset) > last) return;
          try {
            await each({ partition: batch.partition, message }, consumer);
          } catch (err) {
            failed = true;
            settle(err instanceof Error ? err : unavailable(err));
            return;
          }
          if (BigInt(message.offset) === last) {
            pending.delete(batch.partition);
            if (pending.size === 0) settle();
          }
        }
      },
    });
    await done;
  } catch (err) {
    throw err instanceof BusError || err instanceof RangeError ? err : unavailable(err);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect().catch(() => undefined);
  }
}
