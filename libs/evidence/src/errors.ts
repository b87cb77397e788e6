import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

/**
 * The error catalogue of `@lienthong/evidence`. Builders and readers (`encodeStatement`,
 * `parseStatement`, `attachStatement`, `readInclusionProof`, `parseManifest`, …) throw these;
 * the checkers (`checkEvidence`, `checkTimestampedEvidence`, `verifyInclusion`,
 * `verifyBundle`) never throw and put the code in their result instead.
 */
export const evidenceErrors = defineErrors({
  EVIDENCE_STATEMENT_TOO_LARGE: { status: 413, title: 'Evidence statement too large' },
  EVIDENCE_STATEMENT_MALFORMED: { status: 400, title: 'Evidence statement is not a JSON object' },
  EVIDENCE_STATEMENT_DUPLICATE_FIELD: { status: 400, title: 'Evidence statement repeats a field' },
  EVIDENCE_STATEMENT_UNKNOWN_FIELD: { status: 400, title: 'Evidence statement has an unknown field' },
  EVIDENCE_STATEMENT_FIELD_INVALID: { status: 400, title: 'Evidence statement field is missing or invalid' },
  EVIDENCE_STATEMENT_NOT_CANONICAL: { status: 400, title: 'Evidence statement is not in canonical form' },
  EVIDENCE_CMS_UNSUITABLE: { status: 400, title: 'CMS cannot carry this evidence statement' },
  EVIDENCE_SIGNATURE_INVALID: { status: 422, title: 'Evidence signature does not verify' },
  EVIDENCE_ACTING_OFFICE_MISMATCH: { status: 422, title: "Evidence is not signed by the acting office's certificate" },
  EVIDENCE_BATCH_INVALID: { status: 400, title: 'Invalid batch of evidence' },
  EVIDENCE_PROOF_INVALID: { status: 400, title: 'Invalid inclusion proof' },
  EVIDENCE_TIMESTAMP_INVALID: { status: 422, title: 'Batch time-stamp does not verify' },
  EVIDENCE_NOT_TIMESTAMPED: { status: 422, title: 'Evidence has no time-stamp' },
  EVIDENCE_MANIFEST_INVALID: { status: 400, title: 'Invalid bundle manifest' },
  EVIDENCE_BUNDLE_FILE_INVALID: { status: 422, title: 'A bundle file does not verify' },
  EVIDENCE_CHAIN_BROKEN: { status: 422, title: 'The evidence chain of a leg is broken' },
  EVIDENCE_PART_INVALID: { status: 400, title: 'Invalid stamped evidence part' },
  EVIDENCE_AUDIT_ENTRY_INVALID: { status: 400, title: 'An audit entry cannot be encoded' },
});

/** A code of `evidenceErrors`. */
export type EvidenceErrorCode = CodeOf<typeof evidenceErrors>;

/** The error `@lienthong/evidence` throws: `new EvidenceError('EVIDENCE_…', detail, { extra })`. */
export class EvidenceError extends errorClass(evidenceErrors) {}

/** `isEvidenceError(e)` or `isEvidenceError(e, 'EVIDENCE_…')`. */
export const isEvidenceError = errorGuard(EvidenceError);
