/**
 * Which trust anchor a verification ended at, and who supplied it: this CA's own root
 * (`local-root`), the deployment's LIENTHONG_SIGNING_TRUST_ANCHORS_FILE (`configured`), or
 * the `anchors` of the request (`caller-supplied`). A report trusted only through a
 * caller's anchor says so, so that nobody reads "trusted" as the service's own judgement.
 */
import type { CertificateSummary, CmsReportSummary, SignerSummary } from '@lienthong/pki';

/** Who supplied a trust anchor. */
export type AnchorSource = 'local-root' | 'configured' | 'caller-supplied';

/** The anchor a signer's path ended at. */
export interface TrustAnchorMark {
  source: AnchorSource;
  subject: string;
  /** SHA-256 of the anchor certificate DER, hex. */
  sha256: string;
}

/** A chain certificate, with `anchor` on the one that is a trust anchor. */
export type MarkedCertificate = CertificateSummary & { anchor?: AnchorSource };

/** A signer's outcome with its chain marked and, when its path reached one, the anchor it ended at. */
export type MarkedSigner = Omit<SignerSummary, 'chain'> & { chain: MarkedCertificate[]; trustAnchor?: TrustAnchorMark };

/** The report with every signer marked. */
export type MarkedReport = MarkedSigner & { signers: MarkedSigner[] };

/**
 * The SHA-256 fingerprints (hex) of the anchors a verification used, by source; a
 * certificate given by several counts as the first: a caller re-sending this CA's root
 * does not make its trust "caller-supplied".
 */
export interface AnchorSources {
  localRoot: readonly string[];
  configured: readonly string[];
  callerSupplied: readonly string[];
}

function sourceTable(anchors: AnchorSources): Map<string, AnchorSource> {
  const table = new Map<string, AnchorSource>();
  const add = (list: readonly string[], source: AnchorSource): void => {
    for (const fingerprint of list) if (!table.has(fingerprint)) table.set(fingerprint, source);
  };
  add(anchors.localRoot, 'local-root');
  add(anchors.configured, 'configured');
  add(anchors.callerSupplied, 'caller-supplied');
  return table;
}

function markSigner(signer: SignerSummary, table: Map<string, AnchorSource>): MarkedSigner {
  const chain: MarkedCertificate[] = signer.chain.map((certificate) => {
    const source = table.get(certificate.sha256);
    return source === undefined ? { ...certificate } : { ...certificate, anchor: source };
  });
  // libs/pki gives the path target first, anchor last; a path that found no anchor ends elsewhere.
  // Reaching an anchor is not yet trust (revocation may be missing): `trusted` says that.
  const last = chain.at(-1);
  if (last?.anchor === undefined) return { ...signer, chain };
  return { ...signer, chain, trustAnchor: { source: last.anchor, subject: last.subject, sha256: last.sha256 } };
}

/** Marks each signer's chain and trust anchor with who supplied the anchor. */
export function markAnchors(report: CmsReportSummary, anchors: AnchorSources): MarkedReport {
  const table = sourceTable(anchors);
  return { ...markSigner(report, table), signers: report.signers.map((signer) => markSigner(signer, table)) };
}
