/**
 * The JSON form of a verification report (ETSI EN 319 102-1 terms): what the services
 * answer and the CLI prints. Dates become ISO 8601 strings, certificates their summaries.
 */
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

/** One signer's report as JSON. */
export function summariseSignerReport(r: SignerReport): SignerSummary {
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
  };
}

/** A CMS verification report as JSON. */
export function summariseCmsReport(report: CmsVerificationReport): CmsReportSummary {
  return { ...summariseSignerReport(report), signers: report.signers.map(summariseSignerReport) };
}
