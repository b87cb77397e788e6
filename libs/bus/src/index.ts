/**
 * `@lienthong/bus`: the event envelope (CloudEvents-like, with W3C trace context) and the
 * event bus on two transports, Apache Kafka (real mode) and a Postgres-backed log
 * (embedded mode), with the same handler-visible semantics: order per key, at least once,
 * commit after the handler, retries with backoff, dead-letter topics.
 */
export type * from './types.ts';
export { deadLetterTopic } from './types.ts';
export { createEnvelope, parseEnvelope, serializeEnvelope, maxEnvelopeBytes, type EnvelopeInput } from './envelope.ts';
export {
  eventIdHeader,
  eventTypeHeader,
  traceparentHeader,
  dlqReasonHeader,
  dlqSourceTopicHeader,
  dlqSourcePartitionHeader,
  dlqSourceOffsetHeader,
  dlqAttemptsHeader,
  envelopeHeaders,
  deadLetterHeaders,
  headersToStrings,
  type DeadLetterSource,
} from './headers.ts';
export { activeTraceparent, messageContext, type MessagingSystem } from './tracing.ts';
export { BusError, busErrors, isBusError, messageOf, type BusErrorCode } from './errors.ts';
export { silentLogger, type BusLogger } from './logger.ts';
export { isDeadLetterTopic } from './dead-letter.ts';
export { assertTopics } from './topic-name.ts';
export { createKafkaBus, type KafkaBusOptions } from './kafka-bus.ts';
export { createPostgresBus, type PostgresBus, type PostgresBusOptions } from './postgres-bus.ts';
export { createBus, type BusConfig } from './config.ts';
export {
  replayedFromHeader,
  replayGroup,
  type DeadLetter,
  type DeadLetters,
  type DeadLetterSelection,
  type ListDeadLettersOptions,
  type ReplayDeadLettersOptions,
} from './dead-letters.ts';
export { createKafkaDeadLetters, type KafkaDeadLettersOptions } from './kafka-dead-letters.ts';
export { createPostgresDeadLetters, type PostgresDeadLettersOptions } from './postgres-dead-letters.ts';
export { openDeadLetters, type DeadLettersTarget } from './open-dead-letters.ts';
export {
  openBusBacklog,
  backlogCountLimit,
  type BusBacklog,
  type BusBacklogTarget,
  type ConsumerLag,
  type DeadLettersWaiting,
} from './bus-backlog.ts';
