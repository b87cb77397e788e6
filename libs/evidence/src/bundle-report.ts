/** The inputs and the report of `verifyBundle`. */
import type { EvidenceCheckOptions } from './check-evidence.ts';
import type { LegReport } from './evidence-chain.ts';
import type { EvidenceErrorCode } from './errors.ts';
import type { BundleRole, HashedFile } from './manifest.ts';
import type { EvidenceStatement } from './statement.ts';

/** What a document verifier answers (the CLI passes one over libs/pades `verifyPdf`). */
export interface DocumentVerification {
  readonly ok: boolean;
  readonly message: string;
  /** The verifier's own report, carried into the bundle report as it is. */
  readonly details?: unknown;
}

/**
 * Verifies the bundle's document with the bundle's validation data and the caller's trust
 * anchors: given its path in the bundle, and its bytes unless the caller passed the document
 * by its hash (a {@link HashedFile}: it then reads the file itself, e.g. streamed).
 */
export type DocumentVerifier = (
  document: { readonly path: string; readonly bytes?: Uint8Array },
  options: EvidenceCheckOptions,
) => DocumentVerification | Promise<DocumentVerification>;

export type { HashedFile };

/** A bundle's files by path (`manifest.json` included): bytes, or for the document its hash. */
export type BundleFiles = ReadonlyMap<string, Uint8Array | HashedFile>;

/** How to verify a bundle: the trust anchors and time of {@link EvidenceCheckOptions}, and more. */
export interface BundleVerifyOptions extends EvidenceCheckOptions {
  /** Verifies the document's own signatures (PAdES); without one only its hash is checked. */
  readonly verifyDocument?: DocumentVerifier;
  /** Files that are in the bundle but were not read (too large, a link, unreadable), with why. */
  readonly unreadable?: ReadonlyMap<string, string>;
  /** Every evidence must be time-stamped (a batch token, or a signature-time-stamp); default true. */
  readonly requireTimestamp?: boolean;
}

/** What an evidence piece says, once its statement was read. */
export interface EvidenceSummary {
  readonly statement: EvidenceStatement;
  readonly signerOffice?: string;
  /** The CAdES level libs/pki found. */
  readonly level?: string;
  /** Set when the signer's path held only at the batch time-stamp's genTime (expired or revoked since). */
  readonly validatedAt?: Date;
}

/** One piece of the bundle and its outcome. */
export interface BundlePiece {
  readonly path: string;
  /** The manifest's role, `manifest` for the manifest itself, `unlisted` for a file the manifest does not list. */
  readonly role: BundleRole | 'manifest' | 'unlisted';
  readonly ok: boolean;
  readonly code?: EvidenceErrorCode;
  readonly message: string;
  readonly evidence?: EvidenceSummary;
  /** When the evidence's time-stamp (batch, or its own) proves it existed. */
  readonly genTime?: Date;
  /** The document verifier's report. */
  readonly details?: unknown;
}

/** The outcome of `verifyBundle`. */
export interface BundleReport {
  /** Every piece and every leg verified. */
  readonly valid: boolean;
  /** False when the manifest is missing or invalid: nothing else was checked. */
  readonly usable: boolean;
  readonly documentId?: string;
  /** The validation time. */
  readonly time: Date;
  readonly revocationChecked: boolean;
  /** The document's signatures were verified (a verifier was given). */
  readonly documentVerified: boolean;
  readonly pieces: readonly BundlePiece[];
  readonly legs: readonly LegReport[];
}
