/**
 * Verification of a CMS/CAdES signature (libs/pki `verifyCms`, ETSI EN 319 102-1 report),
 * trust anchored at this CA's root plus any anchors the caller gives, with the current
 * CRLs of the root and the issuing CA as revocation data (RFC 5280 §6.3). Bytes that are
 * not a CMS SignedData are a verification outcome, not a request error: the report says
 * TOTAL_FAILED / FORMAT_FAILURE.
 */
import { verifyPdf, type PdfVerificationReport } from '@lienthong/pades';
import { openFileSource } from '@lienthong/pdf';
import { isPkiError, readCertificate, summariseCmsReport, verifyCms, type Certificate } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { signingErrors } from '../errors.ts';
import { markAnchors, type MarkedReport } from './anchor-marking.ts';
import type { CaContext } from './ca-context.ts';
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

/** Verifies every signature of the PDF at `path` against this CA's root, with its CRLs and the document's DSS (read in chunks). */
export async function verifyPdfFile(ca: CaContext, path: string): Promise<PdfVerificationReport> {
  const { root, issuing } = ca.hierarchy;
  const [rootCrl, issuingCrl] = [await currentCrl(ca, root), await currentCrl(ca, issuing)];
  const source = await openFileSource(path);
  try {
    return await verifyPdf(source, {
      trustAnchors: [ca.certificateOf(root), ...ca.externalAnchors],
      intermediates: [ca.certificateOf(issuing)],
      crls: [rootCrl.der, issuingCrl.der],
      revocation: 'any',
      clock: ca.clock,
    });
  } finally {
    await source.close();
  }
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

/** Verifies `input` against this CA's root (and the given anchors, 400 when one is not a certificate) with its own CRLs. */
export async function verifySignature(ca: CaContext, input: VerifyInput): Promise<VerifyReport> {
  const callerAnchors = readAnchors(input.anchors ?? []);
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
  return markAnchors(summariseCmsReport(report), {
    localRoot: [ca.certificateOf(root).fingerprint],
    configured: ca.externalAnchors.map((anchor) => anchor.fingerprint),
    callerSupplied: callerAnchors.map((anchor) => anchor.fingerprint),
  });
}
