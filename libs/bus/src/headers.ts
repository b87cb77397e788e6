import type { EventEnvelope } from './types.ts';

/** Header carrying the envelope `id`, so brokers' tools can find an event without parsing it. */
export const eventIdHeader = 'lienthong-event-id';
/** Header carrying the envelope `type`. */
export const eventTypeHeader = 'lienthong-event-type';
/** W3C Trace Context header name (the same as in HTTP). */
export const traceparentHeader = 'traceparent';
/** Why an event went to the dead-letter topic (`poison: …` or the handler's last error). */
export const dlqReasonHeader = 'lienthong-dlq-reason';
/** Topic the dead letter was consumed from. */
export const dlqSourceTopicHeader = 'lienthong-dlq-source-topic';
/** Partition it was consumed from (always `0` on the Postgres log). */
export const dlqSourcePartitionHeader = 'lienthong-dlq-source-partition';
/** Offset (Kafka) or log sequence (Postgres) it was consumed from. */
export const dlqSourceOffsetHeader = 'lienthong-dlq-source-offset';
/** How many times the handler was tried (`0` for poison, never handed to a handler). */
export const dlqAttemptsHeader = 'lienthong-dlq-attempts';

/** The headers every published event carries: its id, type and, when present, traceparent. */
export function envelopeHeaders(envelope: EventEnvelope): Record<string, string> {
  const headers: Record<string, string> = {
    [eventIdHeader]: envelope.id,
    [eventTypeHeader]: envelope.type,
  };
  if (envelope.traceparent !== undefined) headers[traceparentHeader] = envelope.traceparent;
  return headers;
}

/** Where a dead letter came from and why; added to the original message's headers. */
export interface DeadLetterSource {
  topic: string;
  partition: number;
  position: string;
  attempts: number;
  reason: string;
}

/** The extra headers of a dead letter; the reason is cut to 1000 characters. */
export function deadLetterHeaders(source: DeadLetterSource): Record<string, string> {
  return {
    [dlqReasonHeader]: source.reason.slice(0, 1000),
    [dlqSourceTopicHeader]: source.topic,
    [dlqSourcePartitionHeader]: String(source.partition),
    [dlqSourceOffsetHeader]: source.position,
    [dlqAttemptsHeader]: String(source.attempts),
  };
}

/** Kafka header values (Buffer, string, arrays of them) as plain strings; the last value wins. */
export function headersToStrings(headers: Record<string, unknown> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers ?? {})) {
    const value = Array.isArray(raw) ? (raw as unknown[]).at(-1) : raw;
    if (typeof value === 'string') out[name] = value;
    else if (value instanceof Uint8Array) out[name] = Buffer.from(value).toString('utf8');
  }
  return out;
}
