import { randomBytes } from 'node:crypto';
import {
  TagClass,
  content,
  derViolation,
  is,
  parseDer,
  readBoolean,
  readOid,
  readSmallInt,
  sequence,
} from '../der/reader.ts';
import { bool, int, oid, seq } from '../der/writer.ts';
import { PkiError } from '../errors.ts';
import { readExtensions, type Extension } from '../x509/extensions.ts';
import type { HashName } from '../x509/algorithm.ts';
import { encodeMessageImprint, readMessageImprint, type MessageImprint } from './message-imprint.ts';

/** What a time-stamp request asks for (RFC 3161 §2.4.1). */
export interface TimeStampRequestInput {
  readonly hash: HashName;
  /** The hash of the data to be time-stamped. */
  readonly imprint: Uint8Array;
  /** Nonce as unsigned big-endian bytes; `true` draws 8 random bytes; default none. */
  readonly nonce?: Uint8Array | true;
  /** Ask the TSA to include its certificate in the token. Default true. */
  readonly certReq?: boolean;
  /** reqPolicy: the TSA policy OID requested. */
  readonly policy?: string;
}

/** A parsed TimeStampReq (RFC 3161 §2.4.1). */
export interface TimeStampRequest {
  readonly der: Uint8Array;
  /** RFC 3161 defines v1 only; a TSA answers others with badRequest. */
  readonly version: number;
  readonly messageImprint: MessageImprint;
  readonly policy?: string;
  /** Content octets of the nonce INTEGER. */
  readonly nonce?: Uint8Array;
  readonly certReq: boolean;
  readonly extensions: readonly Extension[];
}

/** Nonces are at most this long: RFC 3161 sets no bound, a TSA must. */
export const MAX_NONCE_BYTES = 32;

/** Encodes TimeStampReq (RFC 3161 §2.4.1), version 1. */
export function buildTimeStampRequest(input: TimeStampRequestInput): Uint8Array {
  const nonce = input.nonce === true ? randomBytes(8) : input.nonce;
  if (nonce !== undefined && (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES))
    throw new PkiError('INVALID_ARGUMENT', `A nonce has 1 to ${MAX_NONCE_BYTES} bytes.`);
  return seq(
    int(1),
    encodeMessageImprint(input.hash, input.imprint),
    ...(input.policy === undefined ? [] : [oid(input.policy)]),
    ...(nonce === undefined ? [] : [int(nonce)]),
    ...(input.certReq === false ? [] : [bool(true)]),
  );
}

/**
 * Reads a TimeStampReq strictly (RFC 3161 §2.4.1): DER (§3.4), the fields in
 * order, nothing after them, an imprint as long as its digest, a nonce of at most
 * {@link MAX_NONCE_BYTES}. The version is returned for the caller to judge.
 * Throws PkiError MALFORMED saying what is wrong and where.
 */
export function readTimeStampRequest(der: Uint8Array): TimeStampRequest {
  try {
    const parts = sequence(parseDer(der), 'TimeStampReq');
    let i = 0;
    const version = readSmallInt(parts[i++], 'TimeStampReq version');
    const messageImprint = readMessageImprint(parts[i++]);
    let policy: string | undefined;
    if (parts[i] !== undefined && is(parts[i]!, 0x06)) policy = readOid(parts[i++], 'reqPolicy');
    let nonce: Uint8Array | undefined;
    if (parts[i] !== undefined && is(parts[i]!, 0x02)) {
      nonce = Uint8Array.from(content(parts[i++]!));
      if (nonce.length === 0 || nonce.length > MAX_NONCE_BYTES + 1)
        throw new PkiError('MALFORMED', `Nonce of ${nonce.length} bytes (at most ${MAX_NONCE_BYTES}).`);
    }
    let certReq = false;
    if (parts[i] !== undefined && is(parts[i]!, 0x01)) certReq = readBoolean(parts[i++]!);
    let extensions: Extension[] = [];
    if (parts[i] !== undefined && is(parts[i]!, 0, TagClass.context)) {
      const n = parts[i++]!;
      const asSeq = Uint8Array.from(der.subarray(n.start, n.end));
      asSeq[0] = 0x30;
      extensions = readExtensions(parseDer(asSeq));
    }
    if (i !== parts.length)
      throw new PkiError('MALFORMED', `Unexpected field ${i + 1} in TimeStampReq at byte ${parts[i]!.start}.`);
    // The imprint and the nonce are copied into the token: a BER request would make a token that is not DER.
    const violation = derViolation(der);
    if (violation !== undefined)
      throw new PkiError('MALFORMED', `TimeStampReq is not DER (RFC 3161 §3.4, X.690 §10): ${violation}.`);
    return {
      der: Uint8Array.from(der),
      version,
      messageImprint,
      ...(policy === undefined ? {} : { policy }),
      ...(nonce === undefined ? {} : { nonce }),
      certReq,
      extensions,
    };
  } catch (e) {
    if (e instanceof PkiError) throw e;
    throw new PkiError('MALFORMED', 'TimeStampReq could not be parsed.', { cause: e });
  }
}
