import {
  activeTraceparent,
  assertTopics,
  parseEnvelope,
  serializeEnvelope,
  type EventEnvelope,
  type OutgoingEvent,
} from '@lienthong/bus';
import type { PoolClient } from 'pg';
import type { OutboxEvent } from './types.ts';

/**
 * SQL for the lock that makes outbox ids follow commit order: writers hold it shared
 * until their transaction ends, the relay takes it exclusively for the instant it reads a
 * batch, so no row with a smaller id can still be uncommitted when a larger one is read.
 */
export const outboxOrderLockKeySql = (schemaSql: string): string =>
  `hashtextextended('lienthong:outbox-order:' || ${schemaSql}, 0)`;

/**
 * Writes events to the outbox of the client's schema, in the caller's transaction (the
 * transactional outbox pattern): they reach the bus only if the transaction commits, and
 * the relay sends them in the order of the array (then in the order transactions commit).
 * The event id (`envelope.id`, a UUID) is unique: enqueueing the same event twice fails.
 * Topics and envelopes are checked as the bus will check them (`BUS_TOPIC_INVALID`,
 * `BUS_ENVELOPE_INVALID`, over `maxEnvelopeBytes`), so the writer fails rather than leave
 * a row the bus refuses, which would hold back every row after it. An envelope without a
 * `traceparent` gets the active span's (the request or consumer span the caller runs in),
 * so the relay's publish span continues the trace of what wrote the event.
 */
export async function enqueueEvents(client: PoolClient, events: readonly OutboxEvent[]): Promise<void> {
  if (events.length === 0) return;
  assertTopics(events.map((e) => e.topic));
  const traceparent = activeTraceparent();
  const envelopes = events.map((e) => {
    const envelope =
      traceparent === undefined || e.envelope.traceparent !== undefined ? e.envelope : { ...e.envelope, traceparent };
    const json = serializeEnvelope(envelope);
    parseEnvelope(json);
    return json;
  });
  await client.query(`SELECT pg_advisory_xact_lock_shared(${outboxOrderLockKeySql('current_schema()')})`);
  await client.query(
    `INSERT INTO outbox (topic, key, event_id, envelope)
     SELECT u.topic, u.key, u.event_id, u.envelope::json
     FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[]) WITH ORDINALITY
       AS u(topic, key, event_id, envelope, n)
     ORDER BY u.n`,
    [events.map((e) => e.topic), events.map((e) => e.key), events.map((e) => e.envelope.id), envelopes],
  );
}

/** One outbox row as the relay reads it. */
export interface OutboxRow {
  id: string;
  topic: string;
  key: string;
  envelope: EventEnvelope;
}

/** The event a row carries, as handed to `EventPublisher.publish`. */
export function toOutgoingEvent(row: OutboxRow): OutgoingEvent {
  return { topic: row.topic, key: row.key, envelope: row.envelope };
}
