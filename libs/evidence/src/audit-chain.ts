/**
 * The hash chain of an office's audit log (the archive's record of who read, ingested,
 * exported or disposed of what): entry n holds the SHA-256 of entry n − 1, and its own hash
 * is the SHA-256 of its canonical encoding (RFC 8785 JCS), so an entry edited, removed or
 * moved breaks the chain at that place. One chain per office, numbered 1, 2, 3 … without
 * gaps. The archive writes entries with {@link auditEntryHash}; `lienthong audit verify`
 * reads them back and checks them with {@link auditChainVerifier}: both sides share this one
 * encoding. A chain rewritten from some entry on, or cut short, is consistent in itself; it
 * is found only against a head verified before (`remembered`).
 */
import { createHash } from 'node:crypto';
import { canonicalJsonText, type JsonValue } from './canonical-json.ts';
import { EvidenceError } from './errors.ts';
import { codePattern, idPattern, readInstant, sha256Pattern, textProblem } from './fields.ts';

/** The version member of every encoded entry. */
export const auditEntryVersion = 1;

/** The most bytes of an entry's `detail` in canonical JSON (4 KiB: a detail is small). */
export const MAX_AUDIT_DETAIL_BYTES = 4096;

/** The deepest nesting of an entry's `detail` (its own object is level 1). */
export const MAX_AUDIT_DETAIL_DEPTH = 8;

/** The longest actor (a principal's subject), in characters. */
export const MAX_AUDIT_ACTOR_LENGTH = 256;

/** An action: dotted lower-case words, `record.read`, `disposition.approved`; at most 64 characters. */
export const auditActionPattern = /^[a-z][a-z-]*(?:\.[a-z][a-z-]*)+$/;

/** What an entry says, all of it covered by its hash. */
export interface AuditEntryFields {
  /** The office whose chain holds the entry (libs/records `Code`). */
  office: string;
  /** Its place in the office's chain: 1, 2, 3 … without gaps. */
  seq: number;
  /** When, as `Date.prototype.toISOString` writes it (UTC, milliseconds). */
  at: string;
  /** Who: the principal's subject (`person:…`, `system:…`). */
  actor: string;
  /** What: an action of the archive's closed list (`record.read`, …), {@link auditActionPattern}. */
  action: string;
  /** The record it concerns, if any. */
  recordId: string | null;
  /** A small JSON object (at most {@link MAX_AUDIT_DETAIL_BYTES} canonical bytes). */
  detail: { [name: string]: JsonValue };
  /** The hash of entry `seq − 1`; null for entry 1. */
  prevHash: string | null;
}

/** An entry and its hash (lower-case hex SHA-256 of {@link encodeAuditEntry}). */
export interface AuditEntry extends AuditEntryFields {
  hash: string;
}

/** The last entry of a chain as far as someone verified it. */
export interface AuditHead {
  seq: number;
  hash: string;
}

const invalid = (detail: string): never => {
  throw new EvidenceError('EVIDENCE_AUDIT_ENTRY_INVALID', `The audit entry ${detail}.`);
};

/**
 * The canonical bytes of an entry: RFC 8785 JSON of `{ action, actor, at, detail, office,
 * prevHash, recordId, seq, version: 1 }`. Throws EvidenceError EVIDENCE_AUDIT_ENTRY_INVALID
 * when a field is not of its shape (a lone surrogate, a detail too deep or too large, entry
 * 1 with a previous hash or a later one without).
 */
export function encodeAuditEntry(fields: AuditEntryFields): Uint8Array {
  const f = fields as unknown as Record<string, unknown>;
  if (typeof f.office !== 'string' || !codePattern.test(f.office)) invalid('office is not an office code');
  if (typeof f.seq !== 'number' || !Number.isSafeInteger(f.seq) || f.seq < 1) invalid('seq is not a whole number ≥ 1');
  if (typeof f.at !== 'string' || readInstant(f.at) === undefined) invalid('at is not an instant (ISO 8601, UTC, ms)');
  if (typeof f.actor !== 'string') invalid('actor is not text');
  const actorProblem = textProblem(f.actor as string, MAX_AUDIT_ACTOR_LENGTH);
  if (actorProblem !== undefined) invalid(`actor ${actorProblem}`);
  if (typeof f.action !== 'string' || f.action.length > 64 || !auditActionPattern.test(f.action))
    invalid('action is not an action name (record.read)');
  if (f.recordId !== null && (typeof f.recordId !== 'string' || !idPattern.test(f.recordId)))
    invalid('recordId is neither null nor an id');
  if (f.prevHash !== null && (typeof f.prevHash !== 'string' || !sha256Pattern.test(f.prevHash)))
    invalid('prevHash is neither null nor a SHA-256 in lower-case hex');
  if ((f.seq === 1) !== (f.prevHash === null))
    invalid('has a previous hash exactly when it is not entry 1: it has not');
  if (typeof f.detail !== 'object' || f.detail === null || Array.isArray(f.detail)) invalid('detail is not an object');
  const detail = canonicalJsonText(f.detail, MAX_AUDIT_DETAIL_DEPTH, invalid, 'detail');
  const detailBytes = Buffer.byteLength(detail, 'utf8');
  if (detailBytes > MAX_AUDIT_DETAIL_BYTES)
    invalid(`detail has ${detailBytes} bytes in canonical JSON; at most ${MAX_AUDIT_DETAIL_BYTES}`);
  // The members in JCS order (sorted by name), detail already canonical.
  const text =
    `{"action":${JSON.stringify(f.action)},"actor":${JSON.stringify(f.actor)},"at":${JSON.stringify(f.at)},` +
    `"detail":${detail},"office":${JSON.stringify(f.office)},"prevHash":${JSON.stringify(f.prevHash)},` +
    `"recordId":${JSON.stringify(f.recordId)},"seq":${f.seq as number},"version":${auditEntryVersion}}`;
  return new TextEncoder().encode(text);
}

/** The hash of an entry: lower-case hex SHA-256 of {@link encodeAuditEntry}; throws as it does. */
export function auditEntryHash(fields: AuditEntryFields): string {
  return createHash('sha256').update(encodeAuditEntry(fields)).digest('hex');
}

/**
 * What a TSA stamps to checkpoint `office`'s chain at `head`: the SHA-256 of the RFC 8785
 * canonical JSON `{"hash","office","seq"}` (the archive asks for tokens over it at intervals;
 * `lienthong audit verify` recomputes it). A checkpoint is a head held outside the chain and
 * outside the verifier's own state: a chain cut short or rewritten before it no longer holds
 * that entry.
 */
export function auditCheckpointRoot(office: string, head: AuditHead): Uint8Array {
  const text = `{"hash":${JSON.stringify(head.hash)},"office":${JSON.stringify(office)},"seq":${head.seq}}`;
  return createHash('sha256').update(text, 'utf8').digest();
}

/** How a chain is broken. */
export type AuditBreakKind =
  /** An entry that is not of an entry's shape, or of another office. */
  | 'malformed'
  /** An entry whose hash is not the hash of its fields: changed after it was written. */
  | 'edited'
  /** A gap in the numbers, or an entry that does not link to the one before it. */
  | 'removed'
  /** An entry whose number is not after the one before it. */
  | 'reordered'
  /** The chain ends before an entry verified before (its tail removed). */
  | 'truncated'
  /** An entry verified before has another hash now (the chain rewritten from there on). */
  | 'rewritten';

/** Where and how a chain is broken: the first entry that does not hold. */
export interface AuditBreak {
  kind: AuditBreakKind;
  /** The number of the entry at fault (for `truncated`, the remembered head's). */
  seq: number;
  message: string;
}

/** The verdict on one office's chain. */
export interface AuditChainReport {
  office: string;
  valid: boolean;
  /** Entries checked (up to the break). */
  entries: number;
  /** The last entry that held, null for an empty chain. */
  head: AuditHead | null;
  broken?: AuditBreak;
}

/** Checks an office's chain page by page, so that a long one is never held whole. */
export interface AuditChainVerifier {
  /** Checks the next entries (as read, of unknown shape); the first break, once found, stays. */
  add(entries: readonly unknown[]): AuditBreak | undefined;
  /** The verdict once every entry was added (a remembered head beyond the end is `truncated`). */
  finish(): AuditChainReport;
}

const short = (hash: string): string => hash.slice(0, 16);

/**
 * A verifier of `office`'s chain from entry 1. `remembered`: the head verified the last time
 * (kept by the verifier, not by the log's keeper); the chain must still hold that entry with
 * that hash.
 */
export function auditChainVerifier(options: { office: string; remembered?: AuditHead }): AuditChainVerifier {
  const { office, remembered } = options;
  let last: AuditHead | null = null;
  let count = 0;
  let broken: AuditBreak | undefined;

  const check = (raw: unknown): AuditBreak | undefined => {
    const expected = (last?.seq ?? 0) + 1;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return { kind: 'malformed', seq: expected, message: `entry ${expected} is not an object` };
    const entry = raw as AuditEntry;
    const seq = typeof entry.seq === 'number' && Number.isSafeInteger(entry.seq) ? entry.seq : expected;
    let hash: string;
    try {
      hash = auditEntryHash(entry);
    } catch (e) {
      return { kind: 'malformed', seq, message: (e as Error).message };
    }
    if (entry.office !== office)
      return { kind: 'malformed', seq, message: `entry ${seq} belongs to ${entry.office}, not ${office}` };
    if (typeof entry.hash !== 'string' || !sha256Pattern.test(entry.hash))
      return { kind: 'malformed', seq, message: `entry ${seq} has no hash (SHA-256 in lower-case hex)` };
    if (seq > expected)
      return {
        kind: 'removed',
        seq: expected,
        message: `entries ${expected}${seq - 1 > expected ? `–${seq - 1}` : ''} are missing (the next is ${seq})`,
      };
    if (seq < expected) return { kind: 'reordered', seq, message: `entry ${seq} comes after entry ${expected - 1}` };
    if (hash !== entry.hash)
      return {
        kind: 'edited',
        seq,
        message: `entry ${seq} was changed: its fields hash to ${short(hash)}…, it says ${short(entry.hash)}…`,
      };
    if (entry.prevHash !== (last?.hash ?? null))
      return {
        kind: 'removed',
        seq,
        message: `entry ${seq} does not follow entry ${seq - 1}: it names ${short(String(entry.prevHash))}… before it, not ${short(last?.hash ?? '')}…`,
      };
    if (remembered !== undefined && seq === remembered.seq && hash !== remembered.hash)
      return {
        kind: 'rewritten',
        seq,
        message: `entry ${seq} was ${short(remembered.hash)}… when verified before, it is ${short(hash)}… now`,
      };
    last = { seq, hash };
    count += 1;
    return undefined;
  };

  return {
    add(entries) {
      for (const entry of entries) {
        if (broken !== undefined) break;
        broken = check(entry);
      }
      return broken;
    },
    finish() {
      if (broken === undefined && remembered !== undefined && (last?.seq ?? 0) < remembered.seq)
        broken = {
          kind: 'truncated',
          seq: remembered.seq,
          message: `the chain ends at entry ${last?.seq ?? 0}; entry ${remembered.seq} (${short(remembered.hash)}…), verified before, is gone`,
        };
      return {
        office,
        valid: broken === undefined,
        entries: count,
        head: last,
        ...(broken === undefined ? {} : { broken }),
      };
    },
  };
}

/** Checks a whole chain at once (see {@link auditChainVerifier}). */
export function verifyAuditChain(
  entries: readonly unknown[],
  options: { office: string; remembered?: AuditHead },
): AuditChainReport {
  const verifier = auditChainVerifier(options);
  verifier.add(entries);
  return verifier.finish();
}
