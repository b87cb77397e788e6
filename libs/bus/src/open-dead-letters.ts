import type { DeadLetters } from './dead-letters.ts';
import { createKafkaDeadLetters, type KafkaDeadLettersOptions } from './kafka-dead-letters.ts';
import { createPostgresDeadLetters, type PostgresDeadLettersOptions } from './postgres-dead-letters.ts';

/** Where an operator's dead letters are: a Kafka cluster, or a Postgres log. */
export type DeadLettersTarget =
  ({ transport: 'kafka' } & KafkaDeadLettersOptions) | ({ transport: 'postgres' } & PostgresDeadLettersOptions);

/** The dead letters of the transport `target` names (list and replay; `close` when done). */
export function openDeadLetters(target: DeadLettersTarget): DeadLetters {
  return target.transport === 'kafka' ? createKafkaDeadLetters(target) : createPostgresDeadLetters(target);
}
