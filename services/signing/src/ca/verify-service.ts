/**
 * Verification of a CMS/CAdES signature (libs/pki `verifyCms`, ETSI EN 319 102-1 report),
 * trust anchored at this CA's root plus any anchors the caller gives, with the current
 * CRLs of the root and the issuing CA as revocation data (RFC 5280 §6.3). Bytes that are
 * not a CMS SignedData are a verification outcome, not a request error: the report says
 * TOTAL_FAILED / FORMAT_FAILURE.
 */
import { formatName, isPkiError, openFileSource, readCertificate, verifyCms, verifyPdf } from '@lienthong/pki';
import type { Certificate, CmsVerificationReport, Indication, PdfVerificationReport, SignerReport } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { CaContext } from './ca-context.ts';
import { currentCrl } from './crl-service.ts';

/** What a caller asks to verify. */
export interface VerifyInput {
  signature: Uint8Array;
  content?: Uint8Array;
  /** More trust anchors (DER certificates) beside this CA's root. */
  anchors?: Uint8Array[];
}

/** A certificate as the report shows it. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
}

/** One signer's outcome in JSON terms. */
export interface SignerSummary {
  indication: Indication;
  subIndication?: string;
  message: string;
  integrity: boolean;
  trusted: boolean;
  signingCertificateBound: boolean;
  isCadesBaselineB: boolean;
  level?: string;
  signingTime?: string;
  bestSignatureTime?: string;
  signer?: CertificateSummary;
  chain: CertificateSummary[];
  timestamps: Array<{ kind: string; valid: boolean; genTime?: string; message: string }>;
}

/** The verification report: the worst signer's outcome, and each signer's. */
export type VerifyReport = SignerSummary & { signers: SignerSummary[] };

function summary(cert: Certificate): CertificateSummary {
  return {
    subject: formatName(cert.subject), issuer: formatName(cert.issuer), serial: cert.serialHex,
    notBefore: cert.notBefore.toISOString(), notAfter: cert.notAfter.toISOString(),
  };
}

function signerSummary(r: SignerReport): SignerSummary {
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
    ...(r.signer === undefined ? {} : { signer: summary(r.signer) }),
    chain: r.chain.map(summary),
    timestamps: (r.timestamps ?? []).map((t) => ({
      kind: t.kind, valid: t.valid, message: t.message, ...(t.genTime === undefined ? {} : { genTime: t.genTime.toISOString() }),
    })),
  };
}

/** The JSON form of a libs/pki report. */
export function toVerifyReport(report: CmsVerificationReport): VerifyReport {
  return { ...signerSummary(report), signers: report.signers.map(signerSummary) };
}

/** Verifies every signature of the PDF at `path` against this CA's root, with its CRLs and the document's DSS (read in chunks). */
export async function verifyPdfFile(ca: CaContext, path: string): Promise<PdfVerificationReport> {
  const { root, issuing } = ca.hierarchy;
  const [rootCrl, issuingCrl] = [await currentCrl(ca, root), await currentCrl(ca, issuing)];
  const source = await openFileSource(path);
  try {
    return await verifyPdf(source, {
      trustAnchors: [ca.certificateOf(root), ...ca.externalAnchors], intermediates: [ca.certificateOf(issuing)], crls: [rootCrl.der, issuingCrl.der], revocation: 'any', clock: ca.clock,
    });
  } finally {
    await source.close();
  }
}

/** The caller's anchors, each a DER certificate; 400 TRUST_ANCHOR_MALFORMED naming the first that is not. */
function checkAnchors(anchors: readonly Uint8Array[]): void {
  anchors.forEach((der, i) => {
    try {
      readCertificate(der);
    } catch (error) {
      if (isPkiError(error)) throw new AppError(signingErrors.TRUST_ANCHOR_MALFORMED, { detail: `anchors/${i}: ${error.message}`, extra: { pointer: `/anchors/${i}` } });
      throw error;
    }
  });
}

/** Verifies `input` against this CA's root (and the given anchors, 400 when one is not a certificate) with its own CRLs. */
export async function verifySignature(ca: CaContext, input: VerifyInput): Promise<VerifyReport> {
  checkAnchors(input.anchors ?? []);
  const { root, issuing } = ca.hierarchy;
  const [rootCrl, issuingCrl] = [await currentCrl(ca, root), await currentCrl(ca, issuing)];
  const report = verifyCms(input.signature, {
    ...(input.content === undefined ? {} : { detachedContent: input.content }),
    trustAnchors: [ca.certificateOf(root), ...ca.externalAnchors, ...(input.anchors ?? [])],
    intermediates: [ca.certificateOf(issuing)],
    crls: [rootCrl.der, issuingCrl.der],
    revocation: 'any',
    clock: ca.clock,
  });
  return toVerifyReport(report);
}
