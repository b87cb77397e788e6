import type {
  CertificateSummary,
  Indication,
  PathFailureSummary,
  SubIndication,
  TimestampSummary,
} from '@lienthong/pki';

/** PAdES baseline levels (ETSI EN 319 142-1 §6.3): each includes the ones before it. */
export type PadesBaselineLevel = 'B-B' | 'B-T' | 'B-LT' | 'B-LTA';

/**
 * What a later revision does, in the terms of ISO 32000-1 §12.8.2 (DocMDP,
 * FieldMDP) and ETSI EN 319 142-1 §5.4 (DSS, document time-stamp):
 * - `signature`, `document-timestamp`, `dss`, `metadata`: signing and long-term maintenance;
 * - `form-fill`: a field's value or appearance (§12.7.4);
 * - `annotation`: an annotation added, removed or changed (§12.5);
 * - `page-content`, `catalog`, `field-structure`, `new-field`, `replaced-object`,
 *   `deleted-object`, `appended-data`, `unreadable`: changes no DocMDP level permits;
 * - `appearance`: a field's appearance changed while its value did not (shadow replace), never permitted.
 */
export type ChangeKind =
  | 'signature'
  | 'document-timestamp'
  | 'dss'
  | 'metadata'
  | 'form-fill'
  | 'appearance'
  | 'annotation'
  | 'page-content'
  | 'catalog'
  | 'field-structure'
  | 'new-field'
  | 'locked-field'
  | 'replaced-object'
  | 'deleted-object'
  | 'appended-data'
  | 'unreadable';

/**
 * When a change is permitted (ISO 32000-1 §12.8.2.2 Table 254):
 * `always` (DSS, document time-stamps, metadata: ISO 32000-2 §12.8.2.2.1),
 * `sign` (filling or adding a signature field: DocMDP P 2 and 3, field not locked),
 * `sign-visible` (a new signature field with a visible widget: approval
 * signatures and P 3; after a P 1 or P 2 certification it is an annotation),
 * `fill` (form filling: P 2 and 3, field not locked by FieldMDP),
 * `annotate` (P 3 only), `never`.
 */
export type ChangeRequirement = 'always' | 'sign' | 'sign-visible' | 'fill' | 'annotate' | 'never';

/** One change found in a revision, compared with the revision before it. */
export interface RevisionChange {
  readonly kind: ChangeKind;
  readonly requires: ChangeRequirement;
  readonly detail: string;
  /** The object number changed, when one is. */
  readonly object?: number;
  /** The fully qualified field name the change touches (§12.7.3.2), when one does. */
  readonly field?: string;
}

/** A later revision as a signature's rules judge it. */
export interface ChangeAfterSignature {
  readonly revision: number;
  readonly permitted: boolean;
  /** The first forbidden change's kind, else the main permitted kind. */
  readonly kind: ChangeKind;
  readonly detail: string;
  readonly changes: readonly RevisionChange[];
}

/** NONE: nothing after the signed revision; PERMITTED: only changes the signature's DocMDP/FieldMDP allow; FORBIDDEN: anything else. */
export type ModificationVerdict = 'NONE' | 'PERMITTED' | 'FORBIDDEN';

/**
 * The signer's certificate, JSON-friendly; `office` names the lienthong office of a seal or
 * person certificate (its organizationIdentifier `LT:VN-<code>`, libs/pki `officeCodeOf`),
 * vouched for only when the signature passed.
 */
export type PdfSignerInfo = CertificateSummary;

/** One time-stamp attribute of a signature's CMS. */
export type PdfTimestampReport = TimestampSummary;

/** FieldMDP of a signature (ISO 32000-1 §12.8.2.4). */
export interface PdfFieldLock {
  readonly action: 'All' | 'Include' | 'Exclude';
  readonly fields: readonly string[];
}

/** Which bytes a signature covers (ISO 32000-1 §12.8.1, ETSI EN 319 142-1 §5.1). */
export interface PdfCoverage {
  /** The revision whose end the ByteRange reaches (0 = the original document). */
  readonly revision: number | undefined;
  /** The ByteRange is [0, /Contents, /Contents, end of that revision]: the whole revision except this signature's /Contents. */
  readonly wholeRevision: boolean;
  /** Nothing follows the signed revision. */
  readonly wholeFile: boolean;
  readonly byteRange?: readonly number[];
}

/** The report of one signature or document time-stamp of a PDF (ETSI EN 319 102-1 terms). */
export interface PdfSignatureReport {
  readonly field: string;
  readonly kind: 'signature' | 'document-timestamp';
  readonly subFilter: string | undefined;
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly message: string;
  /** ByteRange digest and signature value (or time-stamp imprint and token signature) verify. */
  readonly integrity: boolean;
  /** The signer's (TSA's) certificate validates to a trust anchor. */
  readonly trusted: boolean;
  readonly coverage: PdfCoverage;
  /** The PAdES baseline level reached (only when the signature passed). */
  readonly level?: PadesBaselineLevel;
  readonly signer?: PdfSignerInfo;
  /** /M: the claimed signing time (ETSI EN 319 142-1 §5.3), ISO 8601. */
  readonly signingTime?: string;
  /** best-signature-time (EN 319 102-1 §5.6.2.1): signature time-stamp or the first document time-stamp after it; a document time-stamp's genTime. */
  readonly bestSignatureTime?: string;
  /** The CMS time-stamp attributes (signature-time-stamp, EN 319 122-1 §5.3) and their outcome. */
  readonly timestamps?: readonly PdfTimestampReport[];
  /** The algorithm-policy rule (ETSI TS 119 312 style) a CRYPTO_CONSTRAINTS_FAILURE broke, or that made revocation data unusable (TRY_LATER). */
  readonly policyRule?: string;
  /** Why the signer's (TSA's) certificate path failed, the certificate that failed and the rule it broke. */
  readonly pathFailure?: PathFailureSummary;
  /** Certification signature: DocMDP /P (ISO 32000-1 §12.8.2.2). */
  readonly docMdp?: 1 | 2 | 3;
  readonly fieldLock?: PdfFieldLock;
  readonly reason?: string;
  readonly location?: string;
  readonly changesAfter: readonly ChangeAfterSignature[];
  readonly modification: ModificationVerdict;
}

/** One revision of the file and what it changed compared with the one before. */
export interface PdfRevisionReport {
  readonly index: number;
  /** Offset just after the revision's %%EOF line. */
  readonly end: number;
  readonly xref: 'table' | 'stream';
  /** Fields whose ByteRange ends with this revision. */
  readonly signedBy: readonly string[];
  /** The catalog has a /DSS in this revision. */
  readonly dss: boolean;
  readonly changes: readonly RevisionChange[];
}

/** What `lienthong verify file.pdf --json` prints and the verification endpoint returns. */
export interface PdfVerificationReport {
  /** TOTAL_PASSED only when every signature passed with no forbidden change after it. */
  readonly indication: Indication;
  readonly subIndication?: SubIndication;
  readonly message: string;
  readonly validationTime: string;
  readonly fileSize: number;
  readonly signatures: readonly PdfSignatureReport[];
  readonly revisions: readonly PdfRevisionReport[];
}
