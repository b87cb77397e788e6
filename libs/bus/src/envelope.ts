import { randomUUID } from 'node:crypto';
import { BusError, messageOf } from './errors.ts';
import type { EventEnvelope } from './types.ts';

/**
 * Largest serialized envelope accepted, in bytes: Kafka's default `max.message.bytes`
 * (1 MiB less the record overhead), applied to both transports so they agree.
 */
export const maxEnvelopeBytes = 1_000_000;

/** What `createEnvelope` needs; `id`, `time` and `schemaVersion` default. */
export interface EnvelopeInput<T = unknown> {
  type: string;
  source: string;
  subject: string;
  data: T;
  schemaVersion?: number;
  traceparent?: string;
  id?: string;
  time?: string;
}

// Ids are UUIDs by default but may be deterministic (`<document>:issued`): printable ASCII.
const idPattern = /^[\x21-\x7e]{1,128}$/;
// CloudEvents-style type names: `document.issued`, `delivery.receipt-signed`.
const typePattern = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
/** Control characters (C0 and DEL) would corrupt logs and headers. */
function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}
// RFC 3339 date-time (the ISO 8601 profile CloudEvents uses for `time`).
const timePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
// W3C Trace Context §3.2: version-traceid-parentid-flags, lower-case hex.
const traceparentPattern = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

function fail(field: string, problem: string): never {
  throw new BusError('BUS_ENVELOPE_INVALID', `\`${field}\` ${problem}`);
}

function text(record: Record<string, unknown>, field: string, max: number): string {
  const value = record[field];
  if (typeof value !== 'string') fail(field, `must be a string, got ${describe(value)}`);
  if (value.length === 0) fail(field, 'must not be empty');
  if (value.length > max) fail(field, `must be at most ${max} characters, got ${value.length}`);
  if (hasControlChars(value)) fail(field, 'must not contain control characters');
  return value;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function checkTraceparent(value: unknown): string {
  if (typeof value !== 'string') fail('traceparent', `must be a string, got ${describe(value)}`);
  const m = traceparentPattern.exec(value);
  if (!m || value.length > 512) fail('traceparent', 'must be a W3C traceparent (00-<32 hex>-<16 hex>-<2 hex>)');
  const [, version, traceId, parentId] = m;
  if (version === 'ff') fail('traceparent', 'version ff is invalid');
  if (version === '00' && m[5] !== undefined) fail('traceparent', 'version 00 has exactly four fields');
  if (/^0+$/.test(traceId ?? '') || /^0+$/.test(parentId ?? '')) fail('traceparent', 'ids must not be all zeros');
  return value;
}

/** Checks every field of an envelope-shaped record and returns a fresh envelope of the known fields only. */
function checkFields(record: Record<string, unknown>): EventEnvelope {
  const id = text(record, 'id', 128);
  if (!idPattern.test(id)) fail('id', 'must be printable ASCII without spaces');
  const type = text(record, 'type', 128);
  if (!typePattern.test(type)) fail('type', 'must match ^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$');
  const schemaVersion = record.schemaVersion;
  if (
    typeof schemaVersion !== 'number' ||
    !Number.isSafeInteger(schemaVersion) ||
    schemaVersion < 1 ||
    schemaVersion > 1_000_000
  ) {
    fail('schemaVersion', `must be an integer from 1 to 1000000, got ${JSON.stringify(schemaVersion) ?? 'undefined'}`);
  }
  const source = text(record, 'source', 256);
  const subject = text(record, 'subject', 1024);
  const time = text(record, 'time', 40);
  if (!timePattern.test(time) || Number.isNaN(Date.parse(time))) fail('time', 'must be an RFC 3339 date-time');
  if (!Object.hasOwn(record, 'data') || record.data === undefined) fail('data', 'is missing');
  const envelope: EventEnvelope = { id, type, schemaVersion, source, subject, time, data: record.data };
  if (record.traceparent !== undefined) envelope.traceparent = checkTraceparent(record.traceparent);
  return envelope;
}

/**
 * Makes the envelope of a new event (CloudEvents 1.0 attributes `id`, `type`, `source`,
 * `subject`, `time`, plus the W3C `traceparent`): a random UUID id and the current time
 * unless given. Throws `BUS_ENVELOPE_INVALID` when a field breaks the rules of `parseEnvelope`.
 */
export function createEnvelope<T>(input: EnvelopeInput<T>): EventEnvelope<T> {
  const envelope: EventEnvelope<T> = {
    id: input.id ?? randomUUID(),
    type: input.type,
    schemaVersion: input.schemaVersion ?? 1,
    source: input.source,
    subject: input.subject,
    time: input.time ?? new Date().toISOString(),
    data: input.data,
  };
  if (input.traceparent !== undefined) envelope.traceparent = input.traceparent;
  checkFields(envelope as unknown as Record<string, unknown>);
  return envelope;
}

/**
 * Validates an envelope received from the wire and returns a fresh, well-typed copy.
 * Accepts the raw message value (`Buffer`/`Uint8Array` or string holding JSON, at most
 * `maxEnvelopeBytes`) or an already parsed object. Unknown top-level fields are dropped so
 * that a newer producer's additions do not poison older consumers; `data` is kept as is
 * (its schema lives in `@lienthong/records`). Throws `BUS_ENVELOPE_INVALID` saying which
 * field is wrong.
 */
export function parseEnvelope(value: unknown): EventEnvelope {
  let parsed: unknown = value;
  if (typeof value === 'string' || value instanceof Uint8Array) {
    const bytes = typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : value.byteLength;
    if (bytes > maxEnvelopeBytes) fail('envelope', `must be at most ${maxEnvelopeBytes} bytes, got ${bytes}`);
    const json =
      typeof value === 'string'
        ? value
        : Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('utf8');
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      fail('envelope', `is not JSON (${messageOf(err).slice(0, 200)})`);
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    fail('envelope', `must be a JSON object, got ${describe(parsed)}`);
  }
  return checkFields(parsed as Record<string, unknown>);
}

/** Serializes an envelope for the wire (the Kafka message value, the log's `value`). */
export function serializeEnvelope(envelope: EventEnvelope): string {
  const json = JSON.stringify(envelope);
  const bytes = Buffer.byteLength(json, 'utf8');
  if (bytes > maxEnvelopeBytes) fail('envelope', `must be at most ${maxEnvelopeBytes} bytes, got ${bytes}`);
  return json;
}
