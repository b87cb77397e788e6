// Public API of PDF signature verification in @lienthong/pki (ISO 32000-1 §12.8,
// ETSI EN 319 142-1 PAdES, reported in the terms of ETSI EN 319 102-1).
export * from './report.ts';
export { verifyPdf, type PdfVerifyOptions } from './verify-pdf.ts';
export { findSignatures, MAX_SIGNATURES, type CheckedSignature, type BrokenSignature, type FoundSignature } from './signature-fields.ts';
export { analyseRevisions, MAX_ANALYSED_REVISIONS, type RevisionAnalysis } from './revision-analysis.ts';
export { diffRevision, openRevision, prefixSource } from './revision-diff.ts';
export { isLocked, judgeChange, judgeRevisions, type SignatureRules } from './mdp-policy.ts';
export { byteRangeDigests, precomputedDigestEngine, verifyPdfCms, type DigestCache } from './cms-check.ts';
export { readDssData, type DssValidationData } from './dss-data.ts';
