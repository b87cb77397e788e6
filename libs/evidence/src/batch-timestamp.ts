/**
 * One RFC 3161 time-stamp for a whole batch: the TSA stamps the batch's Merkle root (the
 * messageImprint is SHA-256 with the root as hashedMessage, RFC 3161 §2.4.1), and each
 * evidence keeps its inclusion proof and the batch's token. Checking a time-stamped evidence
 * is then: the evidence itself (`checkEvidence`), its proof leads from its digest to a root,
 * that root is the token's imprint, and the token verifies (libs/pki `verifyTimeStampToken`).
 */
import {
  buildTimeStampRequest,
  readTimeStampResponse,
  readTimeStampToken,
  verifyTimeStampToken,
  type TimeStampFailure,
} from '@lienthong/pki';
import { evidenceDigest } from './attach.ts';
import {
  checkEvidence,
  checkEvidenceAtProof,
  type EvidenceCheck,
  type EvidenceCheckOptions,
} from './check-evidence.ts';
import { rootOfProof, type InclusionProof } from './merkle.ts';

/** What an evidence keeps once its batch is time-stamped. */
export interface BatchTimestamp {
  /** Where the evidence sits in its batch. */
  readonly proof: InclusionProof;
  /** The batch's time-stamp token (RFC 3161 TimeStampToken, DER) or the TimeStampResp holding it. */
  readonly token: Uint8Array;
}

/** What to put in the time-stamp request besides the root. */
export interface BatchRequestOptions {
  /** Nonce bytes, or `true` for 8 random bytes (RFC 3161 §2.4.1); keep it to check the answer. */
  readonly nonce?: Uint8Array | true;
  /** reqPolicy: the TSA policy asked for. */
  readonly policy?: string;
  /** Ask for the TSA's certificate in the token (default true: the bundle then verifies offline). */
  readonly certReq?: boolean;
}

/**
 * The RFC 3161 TimeStampReq (DER) for a batch: messageImprint SHA-256 over nothing but the
 * root itself (the root is already a SHA-256 value, the hashedMessage). Post it to a TSA as
 * `application/timestamp-query`, or hand it to libs/pki `issueTimeStampToken`.
 */
export function timeStampRequestFor(root: Uint8Array, options: BatchRequestOptions = {}): Uint8Array {
  return buildTimeStampRequest({
    hash: 'sha256',
    imprint: root,
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...(options.policy === undefined ? {} : { policy: options.policy }),
    ...(options.certReq === undefined ? {} : { certReq: options.certReq }),
  });
}

/** The outcome of checking a batch token. */
export interface BatchTimestampCheck {
  readonly ok: boolean;
  readonly message: string;
  /** libs/pki's reason when the token is not accepted. */
  readonly failure?: TimeStampFailure | 'NOT_SHA256';
  /** genTime: a proof that the whole batch existed then, when `ok`. */
  readonly genTime?: Date;
}

/** Most bytes of a batch token (a token with the TSA's chain). */
export const MAX_TOKEN_BYTES = 256 * 1024;

/**
 * Verifies a batch token for `root`: a SHA-256 imprint equal to the root, the TSA's signature
 * and certificate path at `options.time` (libs/pki `verifyTimeStampToken`; the TSA's
 * certificate must validate to the trust anchors given). Never throws.
 */
export function checkBatchTimestamp(
  token: Uint8Array,
  root: Uint8Array,
  options: EvidenceCheckOptions,
): BatchTimestampCheck {
  if (token.length > MAX_TOKEN_BYTES)
    return {
      ok: false,
      failure: 'MALFORMED',
      message: `The token has ${token.length} bytes; at most ${MAX_TOKEN_BYTES}.`,
    };
  const result = verifyTimeStampToken(token, {
    imprint: root,
    acceptedHashes: ['sha256'],
    trustAnchors: options.trustAnchors,
    intermediates: options.intermediates ?? [],
    crls: options.crls ?? [],
    ocspResponses: options.ocspResponses ?? [],
    revocation:
      options.revocation ?? ((options.crls?.length ?? 0) + (options.ocspResponses?.length ?? 0) > 0 ? 'any' : 'none'),
    time: options.time,
    ...(options.algorithmPolicy === undefined ? {} : { algorithmPolicy: options.algorithmPolicy }),
  });
  if (!result.valid)
    return { ok: false, message: result.message, ...(result.failure === undefined ? {} : { failure: result.failure }) };
  return {
    ok: true,
    message: `Time-stamped at ${result.genTime!.toISOString()}.`,
    genTime: result.genTime!,
  };
}

/** The root a token (or a granted TimeStampResp) stamps: its messageImprint's hashedMessage; undefined when unreadable. */
export function rootOfToken(token: Uint8Array): Uint8Array | undefined {
  try {
    return readTimeStampToken(token).tstInfo.messageImprint.hashedMessage;
  } catch {
    try {
      return readTimeStampResponse(token).token?.tstInfo.messageImprint.hashedMessage;
    } catch {
      return undefined;
    }
  }
}

/** An evidence's own check, and the time-stamp of its batch. */
export interface TimestampedEvidenceCheck extends EvidenceCheck {
  /** The inclusion proof leads to the token's root. */
  readonly included: boolean;
  readonly timestamp: BatchTimestampCheck;
}

/** How far a statement's time may lie after its batch's genTime (clocks of the office and the TSA). */
const CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Checks an evidence with its batch time-stamp: the inclusion proof leads from the
 * evidence's digest to a root; that root is the token's imprint; the token verifies;
 * `checkEvidence` passes, at `time` or, for a seal certificate expired or revoked since, at
 * the token's genTime (`checkEvidenceAtProof`); and the statement's time is not after the
 * token's genTime (beyond five minutes of clock skew). OK only when all hold; otherwise
 * `code` says which failed first (the evidence's own, EVIDENCE_PROOF_INVALID or
 * EVIDENCE_TIMESTAMP_INVALID). Never throws.
 */
export function checkTimestampedEvidence(
  cms: Uint8Array,
  stamp: BatchTimestamp,
  options: EvidenceCheckOptions,
): TimestampedEvidenceCheck {
  const digest = evidenceDigest(cms);
  const computed = rootOfProof(digest, stamp.proof);
  const tokenRoot = rootOfToken(stamp.token);
  let included = false;
  let timestamp: BatchTimestampCheck;
  let proofProblem: string | undefined;
  if ('failure' in computed) {
    proofProblem = computed.failure;
    timestamp = { ok: false, message: 'Not checked: the inclusion proof is invalid.' };
  } else if (tokenRoot === undefined || Buffer.compare(tokenRoot, computed.root) !== 0) {
    proofProblem =
      tokenRoot === undefined
        ? 'The batch token cannot be read.'
        : "The inclusion proof leads to another root than the batch token's imprint.";
    timestamp = checkBatchTimestamp(stamp.token, computed.root, options);
  } else {
    included = true;
    timestamp = checkBatchTimestamp(stamp.token, computed.root, options);
  }
  // The batch's genTime proves the evidence existed then, once the proof and the token hold.
  const evidence =
    included && timestamp.ok ? checkEvidenceAtProof(cms, options, timestamp.genTime!) : checkEvidence(cms, options);
  const result = { ...evidence, included, timestamp };
  if (!evidence.ok) return result;
  if (proofProblem !== undefined)
    return { ...result, ok: false, code: 'EVIDENCE_PROOF_INVALID', message: proofProblem };
  if (!timestamp.ok) return { ...result, ok: false, code: 'EVIDENCE_TIMESTAMP_INVALID', message: timestamp.message };
  if (evidence.statement!.time.getTime() > timestamp.genTime!.getTime() + CLOCK_SKEW_MS)
    return {
      ...result,
      ok: false,
      code: 'EVIDENCE_TIMESTAMP_INVALID',
      message: `The statement's time ${evidence.statement!.time.toISOString()} is after its batch's time-stamp ${timestamp.genTime!.toISOString()}.`,
    };
  return { ...result, message: `${evidence.message} ${timestamp.message}` };
}
