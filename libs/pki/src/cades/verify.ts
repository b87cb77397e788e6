/**
 * The CAdES layer of verification (ETSI EN 319 122-1, EN 319 102-1 §5.5–5.6): on top of
 * the CMS layer (`cms/verify.ts`), the signature and archive time-stamps as proofs of
 * existence, path validation at best-signature-time when the signer's certificate has
 * since expired or been revoked, and the baseline level reached.
 */
import { systemClock } from '../clock.ts';
import {
  checkSignerAlgorithms,
  checkSignerIntegrity,
  isSignerFailure,
  untrustedReport,
  validateSignerPath,
  verifySignerInfos,
  type SignedDataVerifyOptions,
} from '../cms/verify.ts';
import type { CadesLevel, CmsVerificationReport } from '../cms/verification-report.ts';
import { nodeCryptoEngine } from '../crypto-engine.ts';
import { evaluateTimestamps, type TimestampEvaluation } from './verify-timestamps.ts';

export { MAX_SIGNER_INFOS } from '../cms/verify.ts';

/** Inputs of CAdES verification. */
export interface CmsVerifyOptions extends SignedDataVerifyOptions {
  /** Verify signature-time-stamp and archive-time-stamp-v3 attributes (EN 319 122-1 §5.3, §5.5.3); default true. */
  readonly evaluateTimestamps?: boolean;
}

const RECOVERABLE_AT_POE = new Set<string>(['EXPIRED', 'REVOKED', 'NO_CRL', 'WEAK_ALGORITHM']);

/** The CAdES baseline level the signature reaches (EN 319 122-1 §6.3, §6.4). */
function baselineLevel(isB: boolean, ts: TimestampEvaluation, offline: boolean): CadesLevel | undefined {
  if (!isB) return undefined;
  if (ts.bestSignatureTime === undefined) return 'B-B';
  if (!offline) return 'B-T';
  return ts.archiveTime === undefined ? 'B-LT' : 'B-LTA';
}

/**
 * Verifies a CMS SignedData (RFC 5652 §5.6) and reports in the terms of ETSI
 * EN 319 102-1: recomputes the message digest over the (detached or
 * encapsulated) content, checks content-type, the signature with node:crypto,
 * the signing-certificate-v2 binding (RFC 5035), the signer's certificate
 * path (RFC 5280 §6) with CRLs and OCSP responses (given or embedded, RFC
 * 5940), the signature-time-stamp and archive-time-stamp-v3 (EN 319 122-1
 * §5.3, §5.5.3) used as proof of existence (EN 319 102-1 §5.6), and the
 * baseline level reached. Never throws: unreadable input is TOTAL_FAILED /
 * FORMAT_FAILURE.
 */
export function verifyCms(cms: Uint8Array, options: CmsVerifyOptions = {}): CmsVerificationReport {
  const engine = options.engine ?? nodeCryptoEngine;
  const time = options.time ?? (options.clock ?? systemClock).now();
  return verifySignerInfos(cms, options, (sd, si, content) => {
    const intact = checkSignerIntegrity(sd, si, content, options, engine);
    if (isSignerFailure(intact)) return intact;
    // An intact signer implies the content was there.
    const data = content!;
    const ts =
      options.evaluateTimestamps === false
        ? { timestamps: [] }
        : evaluateTimestamps(cms, sd, si, data, options, engine, time);
    const withTs = {
      ...intact,
      timestamps: ts.timestamps,
      ...(ts.bestSignatureTime === undefined ? {} : { bestSignatureTime: ts.bestSignatureTime }),
    };
    // A time-stamp before a sunset proves the signature existed while its algorithms were acceptable.
    const weak = checkSignerAlgorithms(intact, time, ts.bestSignatureTime, options.algorithmPolicy);
    if (weak !== undefined) return { ...withTs, ...weak };
    if (options.trustAnchors === undefined || options.trustAnchors.length === 0)
      return untrustedReport(intact, undefined, withTs);
    // Revocation data is judged by the algorithm policy at `time` even when the path is validated
    // at best-signature-time: the time-stamp proves when the signature existed, not when the CRLs did.
    const pathAt = (at: Date, embeddedOnly: boolean) =>
      validateSignerPath(intact.signer, sd, options, at, embeddedOnly, engine, time);
    let path = pathAt(time, false);
    let validAt = time;
    // EN 319 102-1 §5.6.3: with a proof of existence before expiry or revocation, validate at best-signature-time.
    if (!path.valid && ts.bestSignatureTime !== undefined && RECOVERABLE_AT_POE.has(path.reason ?? 'MALFORMED')) {
      const atPoe = pathAt(ts.bestSignatureTime, false);
      if (atPoe.valid) {
        path = atPoe;
        validAt = ts.bestSignatureTime;
      }
    }
    if (!path.valid) return untrustedReport(intact, path, withTs);
    const hasExtra =
      (options.intermediates?.length ?? 0) + (options.crls?.length ?? 0) + (options.ocspResponses?.length ?? 0) > 0;
    // B-LT: the signer's path and the signature time-stamp validate from the SignedData alone (EN 319 122-1 §6.3).
    const embedded = { ...options, intermediates: [], crls: [], ocspResponses: [] };
    const offline =
      (options.revocation ?? 'any') !== 'none' &&
      (!hasExtra ||
        (pathAt(validAt, true).valid &&
          (ts.bestSignatureTime === undefined ||
            evaluateTimestamps(cms, sd, si, data, embedded, engine, time).bestSignatureTime !== undefined)));
    const level = baselineLevel(intact.isCadesBaselineB, ts, offline);
    const at = validAt === time ? '' : ` at the time-stamp's genTime ${validAt.toISOString()}`;
    return {
      indication: 'TOTAL_PASSED',
      message: `Signature intact and the signer certificate validates${at}.`,
      chain: path.chain,
      trusted: true,
      path,
      ...withTs,
      ...(level === undefined ? {} : { level }),
    };
  });
}
