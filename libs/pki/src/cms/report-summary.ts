/**
 * The JSON form of a verification report (ETSI EN 319 102-1 terms): what the services
 * answer and the CLI prints. Dates become ISO 8601 strings, certificates their summaries.
 */
import type { PathFailureReason, PathValidationResult } from '../path/types.ts';
import { summariseCertificate, type CertificateSummary } from '../x509/certificate-summary.ts';
import type {
  CmsVerificationReport,
  Indication,
  SignerReport,
  SubIndication,
  TimestampReport,
} from './verification-report.ts';

/** One time-stamp attribute and its outcome. */
export interface TimestampSummary {
  readonly kind: TimestampReport['kind'];
  readonly valid: boolean;
  readonly genTime?: string;
  readonly message: string;
}

/** Why the signer's certificate path failed (RFC 5280 §6), and at which certificate. */
export interface PathFailureSummary {
  readonly reason: PathFailureReason;
  readonly message?: string;
  /** Index in `chain` (signer first) of the certificate that failed. */
  readonly failedIndex?: number;
  /**
   * The certificate that failed; for WEAK_ALGORITHM, the one whose signature hash or whose
   * issuer's key the algorithm policy refuses.
   */
  readonly certificate?: CertificateSummary;
  /** The algorithm-policy rule broken, for WEAK_ALGORITHM (e.g. `TS119312:SHA1-SUNSET`), or that refused revocation data, for NO_CRL. */
  readonly policyRule?: string;
}

/** One signer's outcome. */
export interface SignerSummary {
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly message: string;
  readonly integrity: boolean;
  readonly trusted: boolean;
  readonly signingCertificateBound: boolean;
  readonly isCadesBaselineB: boolean;
  readonly level?: string;
  readonly signingTime?: string;
  readonly bestSignatureTime?: string;
  readonly signer?: CertificateSummary;
  readonly chain: CertificateSummary[];
  readonly timestamps: TimestampSummary[];
  /**
   * The algorithm-policy rule (ETSI TS 119 312 style) a CRYPTO_CONSTRAINTS_FAILURE broke, or
   * that made revocation data unusable (TRY_LATER).
   */
  readonly policyRule?: string;
  /** Present when the signer's certificate path failed. */
  readonly pathFailure?: PathFailureSummary;
}

/** The worst signer's outcome, and each signer's. */
export type CmsReportSummary = SignerSummary & { readonly signers: SignerSummary[] };

/** The time-stamp reports as JSON. */
export function summariseTimestamps(reports: readonly TimestampReport[]): TimestampSummary[] {
  return reports.map((t) => ({
    kind: t.kind,
    valid: t.valid,
    ...(t.genTime === undefined ? {} : { genTime: t.genTime.toISOString() }),
    message: t.message,
  }));
}

/** A failed path validation as JSON: the reason, the certificate that failed and the rule it broke. */
export function summarisePathFailure(path: PathValidationResult): PathFailureSummary | undefined {
  if (path.valid || path.reason === undefined) return undefined;
  const failed = path.failedIndex === undefined ? undefined : path.chain[path.failedIndex];
  return {
    reason: path.reason,
    ...(path.message === undefined ? {} : { message: path.message }),
    ...(path.failedIndex === undefined ? {} : { failedIndex: path.failedIndex }),
    ...(failed === undefined ? {} : { certificate: summariseCertificate(failed) }),
    ...(path.policyRule === undefined ? {} : { policyRule: path.policyRule }),
  };
}

/** One signer's report as JSON. */
export function summariseSignerReport(r: SignerReport): SignerSummary {
  const pathFailure = r.path === undefined ? undefined : summarisePathFailure(r.path);
  return {
    indication: r.indication,
    ...(r.subIndication === undefined ? {} : { subIndication: r.subIndication }),
    message: r.message,
    integrity: r.integrity,
    trusted: r.trusted,
    signingCertificateBound: r.signingCertificateBound,
    isCadesBaselineB: r.isCadesBaselineB,
    ...(r.level === undefined ? {} : { level: r.level }),
    ...(r.signingTime === undefined ? {} : { signingTime: r.signingTime.toISOString() }),
    ...(r.bestSignatureTime === undefined ? {} : { bestSignatureTime: r.bestSignatureTime.toISOString() }),
    ...(r.signer === undefined ? {} : { signer: summariseCertificate(r.signer) }),
    chain: r.chain.map(summariseCertificate),
    timestamps: summariseTimestamps(r.timestamps ?? []),
    ...(r.policyRule === undefined ? {} : { policyRule: r.policyRule }),
    ...(pathFailure === undefined ? {} : { pathFailure }),
  };
}

/** A CMS verification report as JSON. */
export function summariseCmsReport(report: CmsVerificationReport): CmsReportSummary {
  return { ...summariseSignerReport(report), signers: report.signers.map(summariseSignerReport) };
}
