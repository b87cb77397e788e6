import { systemClock } from '../clock.ts';
import { nodeCryptoEngine } from '../crypto-engine.ts';
import { isPkiError } from '../errors.ts';
import { PathError, type Context } from './context.ts';
import { buildCandidatePaths, type CandidatePath } from './path-building.ts';
import { runAlgorithm } from './process-path.ts';
import { DEFAULT_ALGORITHM_POLICY } from '../policy/algorithm-policy.ts';
import type { PathFailureReason, PathValidationOptions, PathValidationResult, TrustAnchor } from './types.ts';
import { readCertificate, type Certificate } from '../x509/certificate.ts';
import { readCrl, type Crl } from '../crl/crl.ts';
import { formatName } from '../x509/name.ts';

import { toBasicOcspResponse, type BasicOcspResponse } from '../ocsp/response.ts';

export type {
  AuthoritativeRevocationStatus,
  ConformancePolicy,
  PathFailureReason,
  PathValidationOptions,
  PathValidationResult,
  RevocationAuthority,
  RevocationPolicy,
  TrustAnchor,
} from './types.ts';

/** Makes a trust anchor from a certificate (RFC 5280 §6.1.1 (d): its subject and public key). */
export function trustAnchorFromCertificate(cert: Certificate): TrustAnchor {
  return { name: cert.subject, spki: cert.spki, certificate: cert };
}

function toCertificate(x: Certificate | Uint8Array): Certificate {
  return x instanceof Uint8Array ? readCertificate(x) : x;
}

function toAnchor(x: TrustAnchor | Certificate | Uint8Array): TrustAnchor {
  if (x instanceof Uint8Array) return trustAnchorFromCertificate(readCertificate(x));
  if ('tbs' in x) return trustAnchorFromCertificate(x);
  return x;
}

function candidatePaths(
  target: Certificate,
  ctx: Context,
  explicitPath: readonly Certificate[] | undefined,
): CandidatePath[] {
  if (explicitPath !== undefined) {
    const certificates = [...explicitPath, target];
    if (certificates.length > ctx.maxDepth) return [];
    return ctx.anchors
      .filter((a) => a.name.key === certificates[0]!.issuer.key)
      .map((anchor) => ({ anchor, certificates }));
  }
  // Shorter paths first (RFC 4158 §3.5.13); the sort is stable, so AKI/SKI preference survives within a length.
  return buildCandidatePaths(target, ctx.anchors, ctx.pool, ctx.maxDepth).sort(
    (a, b) => a.certificates.length - b.certificates.length,
  );
}

function validateWith(
  target: Certificate,
  ctx: Context,
  options: Omit<PathValidationOptions, 'trustAnchors' | 'target'>,
  explicitPath?: readonly Certificate[],
): PathValidationResult {
  const candidates = candidatePaths(target, ctx, explicitPath);
  if (candidates.length === 0) {
    return {
      valid: false,
      reason: 'NO_PATH',
      message: `No path from ${formatName(target.subject)} to a trust anchor.`,
      chain: [target],
      userConstrainedPolicySet: [],
    };
  }
  let firstFailure: PathValidationResult | undefined;
  for (const path of candidates) {
    const chain = [...path.certificates].reverse();
    if (path.anchor.certificate !== undefined) chain.push(path.anchor.certificate);
    try {
      const policies = runAlgorithm(path, ctx, { ...options, trustAnchors: [], target });
      return { valid: true, chain, trustAnchor: path.anchor, userConstrainedPolicySet: policies };
    } catch (e) {
      if (!(e instanceof PathError)) throw e;
      const f = e.failure;
      firstFailure ??= {
        valid: false,
        reason: f.reason,
        message: f.message,
        ...(f.index === undefined ? {} : { failedIndex: path.certificates.length - 1 - f.index }),
        ...(f.policyRule === undefined ? {} : { policyRule: f.policyRule }),
        chain,
        trustAnchor: path.anchor,
        userConstrainedPolicySet: [],
      };
    }
  }
  return firstFailure!;
}

/**
 * Certification path validation, RFC 5280 §6.1 with CRL revocation checking
 * per §6.3. Validates the explicit `path` when given; otherwise builds
 * candidate paths from the target through `intermediates` to a trust anchor
 * and returns the first that validates, or the failure of the shortest
 * candidate. Never throws: malformed input yields reason MALFORMED.
 */
export function validatePath(options: PathValidationOptions): PathValidationResult {
  let target: Certificate | undefined;
  try {
    target = toCertificate(options.target);
    const crls: Crl[] = [];
    for (const c of options.crls ?? []) {
      try {
        crls.push(c instanceof Uint8Array ? readCrl(c) : c);
      } catch {
        // An unreadable CRL cannot decide anything; it is left out (§6.3.3 then finds no CRL).
      }
    }
    const ocspResponses: BasicOcspResponse[] = [];
    for (const r of options.ocspResponses ?? []) {
      try {
        ocspResponses.push(toBasicOcspResponse(r));
      } catch {
        // Likewise an unreadable OCSP response decides nothing.
      }
    }
    const explicitPath = options.path?.map(toCertificate);
    const time = options.time ?? (options.clock ?? systemClock).now();
    const ctx: Context = {
      anchors: options.trustAnchors.map(toAnchor),
      pool: [...(explicitPath ?? []), ...(options.intermediates ?? []).map(toCertificate)],
      crls,
      ocspResponses,
      time,
      engine: options.engine ?? nodeCryptoEngine,
      revocation: options.revocation ?? 'crl',
      conformance: options.conformance ?? 'strict',
      algorithmPolicy: options.algorithmPolicy ?? DEFAULT_ALGORITHM_POLICY,
      revocationAlgorithmTime: options.revocationAlgorithmTime ?? time,
      encoding: options.encoding ?? 'der',
      ...(options.revocationAuthority === undefined ? {} : { revocationAuthority: options.revocationAuthority }),
      useDeltas: options.useDeltaCrls ?? true,
      maxDepth: Math.max(1, Math.min(options.maxDepth ?? 10, 32)),
      stack: [],
      signerCache: new Map(),
      validate: (t, c) => validateWith(t, c, {}),
    };
    return { ...validateWith(target, ctx, options, explicitPath), conformance: ctx.conformance };
  } catch (e) {
    const reason: PathFailureReason = isPkiError(e, 'UNSUPPORTED_ALGORITHM') ? 'UNSUPPORTED_ALGORITHM' : 'MALFORMED';
    return {
      valid: false,
      conformance: options.conformance ?? 'strict',
      reason,
      message: e instanceof Error ? e.message : String(e),
      chain: target === undefined ? [] : [target],
      userConstrainedPolicySet: [],
    };
  }
}
