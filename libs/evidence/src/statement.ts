/**
 * The evidence statement: what one event of one delivery leg was, as the acting office
 * signs it. Encoded as canonical JSON (RFC 8785), so the same statement is always the same
 * bytes, and read back strictly: only the canonical bytes of a valid statement are accepted.
 * The fields follow the evidence content of ETSI EN 319 522-2 (event, time, sender and
 * recipient, the submitted content's digest) with the office codes of the directory.
 */
import { canonicalJson, readJsonObject } from './canonical-json.ts';
import { EvidenceError } from './errors.ts';
import { findEvidenceEvent, type EvidenceEvent } from './events.ts';
import { codePattern, idPattern, readInstant, sha256Pattern, textProblem, uuidPattern } from './fields.ts';

/** The `version` of statements this package writes and reads. */
export const statementVersion = 1;

/** Most bytes a statement may have: a reason of 1,000 Vietnamese characters and the rest fit. */
export const MAX_STATEMENT_BYTES = 8192;

/** Most characters of a reason. */
export const maxReasonLength = 1000;

/** Most characters of an incoming number (số đến). */
export const maxIncomingNumberLength = 64;

/** One evidence statement (the content of ETSI EN 319 522-2 evidence, in the terms of docs/DOMAIN.md). */
export interface EvidenceStatement {
  /** The evidence id: a UUID, lower case. */
  readonly id: string;
  readonly event: EvidenceEvent;
  /** When the event happened (the acting office's clock; the batch time-stamp proves an upper bound). */
  readonly time: Date;
  readonly deliveryId: string;
  readonly documentId: string;
  /** SHA-256 of the delivered document (the issued PDF), lower-case hex. */
  readonly documentSha256: string;
  /** The delivered document's length in bytes. */
  readonly documentLength: number;
  /** The issuing office's code. */
  readonly senderOffice: string;
  /** The recipient office's code (the leg); absent only for a submission covering the whole delivery. */
  readonly recipientOffice?: string;
  /** The office whose act this is and whose seal signs the statement. */
  readonly actingOffice: string;
  /** Why (a refusal, a recall, a refused recall …), when the event takes one. */
  readonly reason?: string;
  /** The incoming number the recipient gave the document (AcceptanceByRecipient). */
  readonly incomingNumber?: string;
  /** The deadline that passed (AcceptanceRejectionExpiry). */
  readonly deadline?: Date;
  /** SHA-256 (lower-case hex) of the CMS of the previous evidence of the same leg; absent for the first. */
  readonly previous?: string;
}

const fieldNames = new Set([
  'version',
  'id',
  'event',
  'time',
  'deliveryId',
  'documentId',
  'documentSha256',
  'documentLength',
  'senderOffice',
  'recipientOffice',
  'actingOffice',
  'reason',
  'incomingNumber',
  'deadline',
  'previous',
]);

const invalid = (field: string, why: string): EvidenceError =>
  new EvidenceError('EVIDENCE_STATEMENT_FIELD_INVALID', `${field} ${why}.`, { extra: { field } });

function need(condition: boolean, field: string, why: string): void {
  if (!condition) throw invalid(field, why);
}

/** The rules every statement meets, on the typed form (encode and parse both apply them). */
function checkStatement(s: EvidenceStatement): void {
  const definition = findEvidenceEvent(s.event);
  if (definition === undefined) throw invalid('event', `is not an evidence event: ${JSON.stringify(s.event)}`);
  need(typeof s.id === 'string' && uuidPattern.test(s.id), 'id', 'is not a lower-case UUID');
  need(s.time instanceof Date && !Number.isNaN(s.time.getTime()), 'time', 'is not an instant');
  need(typeof s.deliveryId === 'string' && idPattern.test(s.deliveryId), 'deliveryId', 'is not an id');
  need(typeof s.documentId === 'string' && idPattern.test(s.documentId), 'documentId', 'is not an id');
  need(
    typeof s.documentSha256 === 'string' && sha256Pattern.test(s.documentSha256),
    'documentSha256',
    'is not 64 lower-case hex digits',
  );
  need(
    Number.isSafeInteger(s.documentLength) && s.documentLength >= 0,
    'documentLength',
    'is not a non-negative integer',
  );
  for (const field of ['senderOffice', 'actingOffice'] as const)
    need(typeof s[field] === 'string' && codePattern.test(s[field]), field, 'is not an office code');
  if (s.recipientOffice !== undefined)
    need(
      typeof s.recipientOffice === 'string' && codePattern.test(s.recipientOffice),
      'recipientOffice',
      'is not an office code',
    );
  need(
    !definition.recipientRequired || s.recipientOffice !== undefined,
    'recipientOffice',
    `is required for ${s.event}`,
  );
  const actors =
    definition.actor === 'sender'
      ? [s.senderOffice]
      : definition.actor === 'recipient'
        ? [s.recipientOffice]
        : [s.senderOffice, s.recipientOffice];
  need(
    actors.includes(s.actingOffice),
    'actingOffice',
    `must be the ${definition.actor === 'either' ? 'sender or recipient' : definition.actor} office for ${s.event}`,
  );
  if (definition.reason === 'required') need(s.reason !== undefined, 'reason', `is required for ${s.event}`);
  if (definition.reason === 'none') need(s.reason === undefined, 'reason', `is not allowed for ${s.event}`);
  if (s.reason !== undefined) {
    const problem = typeof s.reason === 'string' ? textProblem(s.reason, maxReasonLength) : 'is not a string';
    need(problem === undefined, 'reason', problem ?? '');
  }
  need(
    definition.incomingNumber === (s.incomingNumber !== undefined),
    'incomingNumber',
    definition.incomingNumber ? `is required for ${s.event}` : `is not allowed for ${s.event}`,
  );
  if (s.incomingNumber !== undefined) {
    const problem =
      typeof s.incomingNumber === 'string' ? textProblem(s.incomingNumber, maxIncomingNumberLength) : 'is not a string';
    need(problem === undefined, 'incomingNumber', problem ?? '');
  }
  need(
    definition.deadline === (s.deadline !== undefined),
    'deadline',
    definition.deadline ? `is required for ${s.event}` : `is not allowed for ${s.event}`,
  );
  if (s.deadline !== undefined) {
    need(s.deadline instanceof Date && !Number.isNaN(s.deadline.getTime()), 'deadline', 'is not an instant');
    need(s.deadline.getTime() <= s.time.getTime(), 'deadline', 'is after the time of the expiry');
  }
  if (s.previous !== undefined)
    need(
      typeof s.previous === 'string' && sha256Pattern.test(s.previous),
      'previous',
      'is not 64 lower-case hex digits',
    );
}

/**
 * The canonical bytes of a statement (RFC 8785 JSON with `version` 1): the eContent the
 * acting office signs. Deterministic: the same statement gives the same bytes. Throws
 * EVIDENCE_STATEMENT_FIELD_INVALID naming the field when the statement breaks a rule of its
 * event (see `evidenceEvents`), or EVIDENCE_STATEMENT_TOO_LARGE.
 */
export function encodeStatement(statement: EvidenceStatement): Uint8Array {
  checkStatement(statement);
  const bytes = canonicalJson({
    version: statementVersion,
    id: statement.id,
    event: statement.event,
    time: statement.time.toISOString(),
    deliveryId: statement.deliveryId,
    documentId: statement.documentId,
    documentSha256: statement.documentSha256,
    documentLength: statement.documentLength,
    senderOffice: statement.senderOffice,
    recipientOffice: statement.recipientOffice,
    actingOffice: statement.actingOffice,
    reason: statement.reason,
    incomingNumber: statement.incomingNumber,
    deadline: statement.deadline?.toISOString(),
    previous: statement.previous,
  });
  if (bytes.length > MAX_STATEMENT_BYTES)
    throw new EvidenceError(
      'EVIDENCE_STATEMENT_TOO_LARGE',
      `The statement has ${bytes.length} bytes; at most ${MAX_STATEMENT_BYTES}.`,
    );
  return bytes;
}

function stringField(value: Record<string, unknown>, field: string, required: boolean): string | undefined {
  const v = value[field];
  if (v === undefined) {
    if (required) throw invalid(field, 'is missing');
    return undefined;
  }
  if (typeof v !== 'string') throw invalid(field, `is not a string but ${v === null ? 'null' : typeof v}`);
  return v;
}

function instantField(value: Record<string, unknown>, field: string, required: boolean): Date | undefined {
  const text = stringField(value, field, required);
  if (text === undefined) return undefined;
  const date = readInstant(text);
  if (date === undefined) throw invalid(field, 'is not an instant written YYYY-MM-DDTHH:MM:SS.sssZ');
  return date;
}

/**
 * Reads a statement strictly: at most {@link MAX_STATEMENT_BYTES}, UTF-8 JSON, one object,
 * no repeated or unknown member, every field of the right type and shape for its event,
 * `version` 1, and the bytes exactly the canonical encoding of what they say (so one
 * statement has one encoding, and a signature over other bytes is not over a statement).
 * Throws EvidenceError: EVIDENCE_STATEMENT_TOO_LARGE, _MALFORMED, _DUPLICATE_FIELD,
 * _UNKNOWN_FIELD, _FIELD_INVALID (with `extra.field`) or _NOT_CANONICAL.
 */
export function parseStatement(bytes: Uint8Array): EvidenceStatement {
  const value = readJsonObject(bytes, 'statement', MAX_STATEMENT_BYTES, {
    tooLarge: 'EVIDENCE_STATEMENT_TOO_LARGE',
    malformed: 'EVIDENCE_STATEMENT_MALFORMED',
    duplicate: 'EVIDENCE_STATEMENT_DUPLICATE_FIELD',
  });
  for (const name of Object.keys(value))
    if (!fieldNames.has(name))
      throw new EvidenceError(
        'EVIDENCE_STATEMENT_UNKNOWN_FIELD',
        `The statement has the unknown member ${JSON.stringify(name.slice(0, 64))}.`,
        {
          extra: { field: name.slice(0, 64) },
        },
      );
  if (value.version !== statementVersion)
    throw invalid(
      'version',
      `is ${JSON.stringify(value.version) ?? 'missing'}; this reader knows version ${statementVersion}`,
    );
  const length = value.documentLength;
  if (typeof length !== 'number')
    throw invalid('documentLength', length === undefined ? 'is missing' : 'is not a number');
  const optional = <T>(v: T | undefined, name: string) => (v === undefined ? {} : { [name]: v });
  const statement = {
    id: stringField(value, 'id', true)!,
    event: stringField(value, 'event', true)! as EvidenceEvent,
    time: instantField(value, 'time', true)!,
    deliveryId: stringField(value, 'deliveryId', true)!,
    documentId: stringField(value, 'documentId', true)!,
    documentSha256: stringField(value, 'documentSha256', true)!,
    documentLength: length,
    senderOffice: stringField(value, 'senderOffice', true)!,
    ...optional(stringField(value, 'recipientOffice', false), 'recipientOffice'),
    actingOffice: stringField(value, 'actingOffice', true)!,
    ...optional(stringField(value, 'reason', false), 'reason'),
    ...optional(stringField(value, 'incomingNumber', false), 'incomingNumber'),
    ...optional(instantField(value, 'deadline', false), 'deadline'),
    ...optional(stringField(value, 'previous', false), 'previous'),
  } as EvidenceStatement;
  const canonical = encodeStatement(statement);
  if (Buffer.compare(canonical, bytes) !== 0)
    throw new EvidenceError(
      'EVIDENCE_STATEMENT_NOT_CANONICAL',
      'The statement is valid JSON but not its canonical encoding (RFC 8785: sorted members, no white space, no needless escapes).',
    );
  return statement;
}
