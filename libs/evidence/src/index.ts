/**
 * Public API of @lienthong/evidence: signed evidence of each event of a delivery (ETSI EN
 * 319 522 events and the recall events), batched RFC 3161 time-stamps over a Merkle tree
 * (RFC 6962), and the offline bundle of one document with its verification. Pure: no
 * network, database, files or clock (times are passed in); the CMS work is libs/pki's.
 */

// Errors
export * from './errors.ts';

// Statements: the event set, the canonical encoding, strict reading
export * from './events.ts';
export {
  encodeStatement,
  parseStatement,
  statementVersion,
  MAX_STATEMENT_BYTES,
  maxReasonLength,
  maxIncomingNumberLength,
  type EvidenceStatement,
} from './statement.ts';

// Evidence: the statement inside the seal's CAdES signature, and its offline check
export * from './attach.ts';
export * from './check-evidence.ts';

// Batches: the Merkle tree, proofs as files, the batch time-stamp
export * from './merkle.ts';
export * from './proof-file.ts';
export * from './batch-timestamp.ts';

// Bundles: the manifest, the layout, verification
export {
  buildManifest,
  parseManifest,
  manifestEntry,
  bundlePathProblem,
  MANIFEST_PATH,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_ENTRIES,
  bundleFormat,
  bundleVersion,
  type BundleFileInput,
  type BundleManifest,
  type BundleRole,
  type ManifestEntry,
} from './manifest.ts';
export * from './assemble-bundle.ts';
export type { LegReport } from './evidence-chain.ts';
export * from './bundle-report.ts';
export { verifyBundle } from './verify-bundle.ts';

// Stamped parts: one delivery's evidence of one batch as one object (for the archive)
export * from './stamped-part.ts';

// Audit logs: the hash chain of an office's audit entries
export { canonicalJsonText, type JsonValue } from './canonical-json.ts';
export * from './audit-chain.ts';
