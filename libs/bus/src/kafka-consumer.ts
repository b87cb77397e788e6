import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer, EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { deliverRun, runHandlerOf, runsOf, type RunPolicy } from './batch-delivery.ts';
import { isDeadLetterTopic } from './dead-letter.ts';
import { retryPolicyOf } from './delivery.ts';
import { unavailable } from './bus-core.ts';
import { BusError } from './errors.ts';
import { deadLetterHeaders, headersToStrings } from './headers.ts';
import type { BusLogger } from './logger.ts';
import { assertTopics } from './topic-name.ts';
import { deadLetterTopic, type SubscribeOptions, type Subscription } from './types.ts';

/** A message as it is sent to a dead-letter topic: the original bytes, key and headers plus why. */
export interface KafkaDeadLetter {
  key: Buffer | null;
  value: Buffer | null;
  headers: IHeaders;
}

/** What a Kafka consumer borrows from its bus. */
export interface KafkaConsumerContext {
  kafka: Kafka;
  logger: BusLogger;
  publishDeadLetter(topic: string, message: KafkaDeadLetter): Promise<void>;
  joinTimeoutMs: number;
  sessionTimeoutMs: number;
  fetchMaxWaitMs: number;
  partitionsConsumedConcurrently: number;
}

const heartbeatEveryMs = 3_000;
/** The longest wait between two tries to replace a member kafkajs gave up on. */
export const maxRejoinBackoffMs = 30_000;

/**
 * Starts one consumer group member (one kafkajs consumer per subscription) and resolves
 * once it has joined its group. The messages kafkajs fetched for a partition go in runs of
 * at most `maxBatch` (1 for a handler of one event) through `deliverRun`, one run after
 * another; a run's offset is resolved, and committed once, only after the handler succeeded
 * or its messages went to the dead-letter topic, so a crash redelivers at most the run in
 * flight.
 */
export async function startKafkaConsumer(
  context: KafkaConsumerContext,
  options: SubscribeOptions,
): Promise<Subscription> {
  assertTopics(options.topics);
  const { maxAttempts, retryBackoffMs } = retryPolicyOf(options);
  const { handleBatch, maxBatch } = runHandlerOf(options);
  const logger = context.logger;
  const abort = new AbortController();
  const newConsumer = (): Consumer =>
    context.kafka.consumer({
      groupId: options.group,
      sessionTimeout: context.sessionTimeoutMs,
      heartbeatInterval: heartbeatEveryMs,
      maxWaitTimeInMs: context.fetchMaxWaitMs,
      allowAutoTopicCreation: false,
    });

  const eachBatch = async (payload: EachBatchPayload): Promise<void> => {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const policy: RunPolicy = {
      handleBatch,
      maxAttempts,
      retryBackoffMs,
      signal: abort.signal,
      logger,
      beforeWait: heartbeat,
    };
    for (const run of runsOf(batch.messages, maxBatch)) {
      if (!payload.isRunning() || payload.isStale() || abort.signal.aborted) break;
      const raws = run.map((message) => ({
        value: message.value,
        info: {
          topic: batch.topic,
          partition: batch.partition,
          key: message.key?.toString('utf8') ?? '',
          position: message.offset,
          headers: headersToStrings(message.headers),
        },
      }));
      // Keep the group membership alive while a slow handler runs (kafkajs only
      // heartbeats when asked); failures surface at the explicit heartbeat below.
      const timer = setInterval(() => void heartbeat().catch(() => undefined), heartbeatEveryMs);
      let outcomes;
      try {
        outcomes = await deliverRun(raws, policy);
      } finally {
        clearInterval(timer);
      }
      for (const [i, outcome] of outcomes.entries()) {
        if (outcome.kind === 'dead') await sendToDeadLetters(batch, run[i]!, outcome);
      }
      if (outcomes.length > 0) {
        // One commit for the run: everything up to its last settled message is done.
        payload.resolveOffset(run[outcomes.length - 1]!.offset);
        await payload.commitOffsetsIfNecessary();
      }
      await heartbeat();
      if (outcomes.length < run.length) break;
    }
  };

  const sendToDeadLetters = async (
    batch: EachBatchPayload['batch'],
    message: KafkaMessage,
    outcome: { reason: string; attempts: number },
  ): Promise<void> => {
    if (isDeadLetterTopic(batch.topic)) {
      logger.error(
        { topic: batch.topic, offset: message.offset, reason: outcome.reason },
        'dead letter of a dead-letter topic dropped',
      );
      return;
    }
    await context.publishDeadLetter(deadLetterTopic(batch.topic), {
      key: message.key,
      value: message.value,
      headers: {
        ...message.headers,
        ...deadLetterHeaders({
          topic: batch.topic,
          partition: batch.partition,
          position: message.offset,
          attempts: outcome.attempts,
          reason: outcome.reason,
        }),
      },
    });
  };

  /** Why the group is not consuming now (its member crashed for good and has not joined again). */
  let failure: Error | undefined;
  let consumer = newConsumer();
  let rejoining: Promise<void> | undefined;

  /**
   * Connects `member`, subscribes and runs it, and resolves once it has joined its group;
   * rejects on a crash before that, the join timeout, or `stop`. A crash kafkajs will not
   * restart from (a non-retriable error: restart = false) after the join calls `gaveUp`.
   */
  const join = async (member: Consumer): Promise<void> => {
    let onJoin!: () => void;
    let onFail!: (err: Error) => void;
    let joinedOnce = false;
    const joined = new Promise<void>((resolve, reject) => {
      onJoin = resolve;
      onFail = reject;
    });
    // A crash after the join would otherwise reject a promise nobody awaits any more.
    joined.catch(() => undefined);
    const removeJoin = member.on(member.events.GROUP_JOIN, (event) => {
      logger.debug({ group: options.group, memberId: event.payload.memberId }, 'consumer joined its group');
      onJoin();
    });
    member.on(member.events.CRASH, (event) => {
      logger.error(
        { err: event.payload.error, group: options.group, restart: event.payload.restart },
        'Kafka consumer crashed',
      );
      if (event.payload.restart) return;
      if (joinedOnce) gaveUp(member, event.payload.error);
      else onFail(event.payload.error);
    });
    const stopping = () => onFail(new BusError('BUS_CLOSED'));
    abort.signal.addEventListener('abort', stopping, { once: true });
    const timeout = setTimeout(
      () => onFail(new BusError('BUS_SUBSCRIBE_TIMEOUT', `group ${options.group} after ${context.joinTimeoutMs} ms`)),
      context.joinTimeoutMs,
    );
    try {
      await member.connect();
      await member.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
      await member.run({
        autoCommit: true,
        autoCommitThreshold: 1,
        eachBatchAutoResolve: false,
        partitionsConsumedConcurrently: context.partitionsConsumedConcurrently,
        eachBatch,
      });
      await joined;
      joinedOnce = true;
    } catch (err) {
      await member.disconnect().catch(() => undefined);
      throw unavailable(err);
    } finally {
      clearTimeout(timeout);
      removeJoin();
      abort.signal.removeEventListener('abort', stopping);
    }
  };

  /**
   * kafkajs stopped `member` for good: the group is said failing (the bus's `ping`, hence
   * /readyz, reports it) and a new member joins in its place, after 1 s, then 2, 4 … at most
   * `maxRejoinBackoffMs` apart, until one joins or the subscription is stopped. What was not
   * committed is delivered again to the new member.
   */
  const gaveUp = (member: Consumer, error: Error): void => {
    if (abort.signal.aborted || member !== consumer) return;
    failure = error;
    rejoining ??= (async () => {
      for (let attempt = 1; !abort.signal.aborted; attempt += 1) {
        await consumer.disconnect().catch(() => undefined);
        const delay = Math.min(1_000 * 2 ** (attempt - 1), maxRejoinBackoffMs);
        await sleep(delay, undefined, { signal: abort.signal }).catch(() => undefined);
        if (abort.signal.aborted) return;
        consumer = newConsumer();
        try {
          await join(consumer);
          failure = undefined;
          logger.warn({ group: options.group, attempt }, 'Kafka consumer joined its group again after a crash');
          return;
        } catch (err) {
          failure = err instanceof Error ? err : new Error(String(err));
          logger.error({ err, group: options.group, attempt }, 'Kafka consumer could not join its group again');
        }
      }
    })().finally(() => {
      rejoining = undefined;
    });
  };

  try {
    await join(consumer);
  } catch (err) {
    abort.abort();
    throw err;
  }

  let stopped: Promise<void> | undefined;
  return {
    stop(): Promise<void> {
      stopped ??= (async () => {
        abort.abort();
        await rejoining;
        await consumer.disconnect();
      })();
      return stopped;
    },
    failure: () => failure,
  };
}
