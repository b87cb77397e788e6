/**
 * Verification of a CMS/CAdES signature (libs/pki `verifyCms`, ETSI EN 319 102-1 report),
 * trust anchored at this CA's root plus any anchors the caller gives, with the current
 * CRLs of the root and the issuing CA as revocation data (RFC 5280 §6.3). Bytes that are
 * not a CMS SignedData are a verification outcome, not a request error: the report says
 * TOTAL_FAILED / FORMAT_FAILURE. The parsing and judging run on a parsing worker
 * (workers/parsing-pool.ts), given the DER of the anchors, intermediates and CRLs and the
 * CA's clock reading; the main thread reads the CRLs and marks the anchors.
 */
import type { PdfVerificationReport } from '@lienthong/pades';
import { isPkiError, readCertificate, type CmsReportSummary, type Certificate } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import type { ParsingPool } from '../workers/parsing-pool.ts';
import type { LocalCaRecords, VerificationData, VerifyCmsJob, VerifyPdfJob } from '../workers/verify-tasks.ts';
import { markAnchors, type MarkedReport } from './anchor-marking.ts';
import type { CaContext } from './ca-context.ts';
import { listIssuedStatuses } from './certificate-repository.ts';
import { currentCrl } from './crl-service.ts';

/** What a caller asks to verify. */
export interface VerifyInput {
  signature: Uint8Array;
  content?: Uint8Array;
  /** More trust anchors (DER certificates) beside this CA's root. */
  anchors?: Uint8Array[];
}

/**
 * The verification report as JSON: the worst signer's outcome, and each signer's, each
 * naming the trust anchor its path ended at and who supplied it (anchor-marking.ts).
 */
export type VerifyReport = MarkedReport;

/** What the signing database says of every certificate the root and the issuing CA issued. */
async function localRecords(ca: CaContext): Promise<LocalCaRecords> {
  const { root, issuing } = ca.hierarchy;
  const statuses = await listIssuedStatuses(ca.pool, [root.id, issuing.id]);
  return {
    issuers: [root, issuing].map((issuer) => ({
      certificate: ca.certificateOf(issuer).der,
      issued: Object.fromEntries(
        statuses
          .filter((s) => s.issuerId === issuer.id)
          .map((s) => [
            s.serialHex,
            s.revokedAt === null ? null : { revokedAt: s.revokedAt, reason: s.revocationReason },
          ]),
      ),
    })),
  };
}

/**
 * This CA's root and the configured anchors, its issuing CA and both CRLs, as DER, at the CA's
 * clock's now, and its records as the authority on its own certificates.
 */
async function verificationData(ca: CaContext): Promise<VerificationData> {
  const { root, issuing } = ca.hierarchy;
  const [rootCrl, issuingCrl] = [await currentCrl(ca, root), await currentCrl(ca, issuing)];
  return {
    trustAnchors: [ca.certificateOf(root).der, ...ca.externalAnchors.map((anchor) => anchor.der)],
    intermediates: [ca.certificateOf(issuing).der],
    crls: [rootCrl.der, issuingCrl.der],
    now: ca.clock.now(),
    localRecords: await localRecords(ca),
  };
}

/**
 * Verifies every signature of the PDF at `path` against this CA's root, with its CRLs and the
 * document's DSS (read in chunks, on a parsing worker).
 */
export async function verifyPdfFile(ca: CaContext, workers: ParsingPool, path: string): Promise<PdfVerificationReport> {
  const job: VerifyPdfJob = { ...(await verificationData(ca)), path };
  return workers.run<PdfVerificationReport>('verifyPdf', job);
}

/** The caller's anchors, each a DER certificate; 400 TRUST_ANCHOR_MALFORMED naming the first that is not. */
function readAnchors(anchors: readonly Uint8Array[]): Certificate[] {
  return anchors.map((der, i) => {
    try {
      return readCertificate(der);
    } catch (error) {
      if (isPkiError(error))
        throw new AppError(signingErrors.TRUST_ANCHOR_MALFORMED, {
          detail: `anchors/${i}: ${error.message}`,
          extra: { pointer: `/anchors/${i}` },
        });
      throw error;
    }
  });
}

/**
 * Verifies `input` against this CA's root (and the given anchors, 400 when one is not a
 * certificate) with its own CRLs, on a parsing worker.
 */
export async function verifySignature(ca: CaContext, workers: ParsingPool, input: VerifyInput): Promise<VerifyReport> {
  const callerAnchors = readAnchors(input.anchors ?? []);
  const data = await verificationData(ca);
  const job: VerifyCmsJob = {
    ...data,
    trustAnchors: [...data.trustAnchors, ...(input.anchors ?? [])],
    signature: input.signature,
    ...(input.content === undefined ? {} : { content: input.content }),
  };
  const summary = await workers.run<CmsReportSummary>('verifyCms', job);
  const { root } = ca.hierarchy;
  return markAnchors(summary, {
    localRoot: [ca.certificateOf(root).fingerprint],
    configured: ca.externalAnchors.map((anchor) => anchor.fingerprint),
    callerSupplied: callerAnchors.map((anchor) => anchor.fingerprint),
  });
}
