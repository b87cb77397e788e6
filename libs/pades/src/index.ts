/**
 * Public API of @lienthong/pades: PDF Advanced Electronic Signatures (ETSI EN 319 142-1)
 * on @lienthong/pdf and @lienthong/pki. `sign/` makes B-B … B-LTA signatures, document
 * time-stamps, DSS and the Party flow's stamps; `verify/` judges every signature and every
 * later revision and reports in the terms of ETSI EN 319 102-1.
 */

// Signing (ETSI EN 319 142-1 §5, ISO 32000-1 §12.8)
export * from './sign/byte-range.ts';
export { SEAL_FIELD, NUMBER_FIELD, DATE_FIELD, type StampFieldsOptions } from './sign/stamp-fields.ts';
export type { PdfRect } from './sign/form-fields.ts';
export {
  lockDictionary,
  signatureEntries,
  type FieldLock,
  type SignatureAppearance,
  type SignatureFieldOptions,
  type SignatureInfo,
} from './sign/signature-field.ts';
export * from './sign/pades-options.ts';
export * from './sign/two-step.ts';
export * from './sign/pades-sign.ts';
export * from './sign/stamp.ts';
export * from './sign/dss.ts';
export * from './sign/document-timestamp.ts';
export * from './sign/read-signatures.ts';
export * from './sign/doc-mdp.ts';
export * from './sign/extend.ts';

// Verification (ISO 32000-1 §12.8, EN 319 142-1, reported as EN 319 102-1)
export * from './verify/report.ts';
export { verifyPdf, verifyPdfDocument, type PdfVerifyOptions } from './verify/verify-pdf.ts';
export {
  findSignatures,
  MAX_SIGNATURES,
  type CheckedSignature,
  type BrokenSignature,
  type FoundSignature,
} from './verify/signature-fields.ts';
export { analyseRevisions, MAX_ANALYSED_REVISIONS, type RevisionAnalysis } from './verify/revision-analysis.ts';
export { diffRevision, openRevision, prefixSource } from './verify/revision-diff.ts';
export { isLocked, judgeChange, judgeRevisions, type SignatureRules } from './verify/mdp-policy.ts';
export { byteRangeDigests, precomputedDigestEngine, verifyPdfCms, type DigestCache } from './verify/cms-check.ts';
export { readDssData, type DssValidationData } from './verify/dss-data.ts';
