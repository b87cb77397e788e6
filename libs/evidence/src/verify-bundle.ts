/**
 * Verifying a bundle offline (`lienthong verify DIR`): the manifest, every file against its
 * hash, every evidence (signature, acting office, the document it names, its batch
 * time-stamp), every batch token, the document's own signatures through the verifier the
 * caller passes (libs/pades `verifyPdf`: this package does not depend on it), and the chain
 * of every leg. The bundle's certificates help build paths; none is ever a trust anchor.
 */
import { createHash } from 'node:crypto';
import {
  readCertificate,
  readCrl,
  toBasicOcspResponse,
  type BasicOcspResponse,
  type Certificate,
  type Crl,
} from '@lienthong/pki';
import { evidenceDigest } from './attach.ts';
import { checkBatchTimestamp, rootOfToken, type BatchTimestampCheck } from './batch-timestamp.ts';
import { checkEvidence, checkEvidenceAtProof, type EvidenceCheckOptions } from './check-evidence.ts';
import { isEvidenceError } from './errors.ts';
import { checkChains, type ChainLink } from './evidence-chain.ts';
import { hex } from './fields.ts';
import { MANIFEST_PATH, parseManifest, type BundleManifest, type ManifestEntry } from './manifest.ts';
import { rootOfProof } from './merkle.ts';
import { readInclusionProof } from './proof-file.ts';
import type { BundleFiles, BundlePiece, BundleReport, BundleVerifyOptions, EvidenceSummary } from './bundle-report.ts';

/** How far a statement's time may lie after its batch's genTime (clocks of the office and the TSA). */
const CLOCK_SKEW_MS = 5 * 60_000;

const sha256Hex = (bytes: Uint8Array): string => hex(createHash('sha256').update(bytes).digest());

function unusable(time: Date, piece: BundlePiece): BundleReport {
  return {
    valid: false,
    usable: false,
    time,
    revocationChecked: false,
    documentVerified: false,
    pieces: [piece],
    legs: [],
  };
}

/**
 * The pieces for files that are there but unlisted, the bytes of each listed file whose hash
 * holds, and the listed files the caller hashed itself whose hash holds (the document only).
 */
function matchFiles(
  manifest: BundleManifest,
  files: BundleFiles,
  unreadable: ReadonlyMap<string, string>,
): { pieces: BundlePiece[]; intact: Map<string, Uint8Array>; hashedIntact: Set<string> } {
  const pieces: BundlePiece[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const path of new Set([...files.keys(), ...unreadable.keys()]))
    if (path !== MANIFEST_PATH && !listed.has(path))
      pieces.push({
        path,
        role: 'unlisted',
        ok: false,
        code: 'EVIDENCE_BUNDLE_FILE_INVALID',
        message: 'The file is not in the manifest.',
      });
  const intact = new Map<string, Uint8Array>();
  const hashedIntact = new Set<string>();
  for (const entry of manifest.files) {
    const value = files.get(entry.path);
    const why = unreadable.get(entry.path);
    const failed = (message: string) =>
      pieces.push({ path: entry.path, role: entry.role, ok: false, code: 'EVIDENCE_BUNDLE_FILE_INVALID', message });
    if (why !== undefined) failed(`The file could not be read: ${why}`);
    else if (value === undefined) failed('The file is missing.');
    else if (value instanceof Uint8Array) {
      if (value.length !== entry.length || sha256Hex(value) !== entry.sha256)
        failed(`The file has changed: its SHA-256 or length is not the manifest's.`);
      else intact.set(entry.path, value);
    } else if (entry.role !== 'document') failed('Only the document may be given by its hash; this file was not read.');
    else if (value.length !== entry.length || value.sha256 !== entry.sha256)
      failed(`The file has changed: its SHA-256 or length is not the manifest's.`);
    else hashedIntact.add(entry.path);
  }
  return { pieces, intact, hashedIntact };
}

/** Reads the validation data of the bundle; a file that is not what its role says fails. */
function validationData(manifest: BundleManifest, intact: ReadonlyMap<string, Uint8Array>, pieces: BundlePiece[]) {
  const certificates: Certificate[] = [];
  const crls: Crl[] = [];
  const ocspResponses: BasicOcspResponse[] = [];
  for (const entry of manifest.files) {
    const bytes = intact.get(entry.path);
    if (bytes === undefined || !['certificate', 'crl', 'ocsp'].includes(entry.role)) continue;
    try {
      if (entry.role === 'certificate') certificates.push(readCertificate(bytes));
      else if (entry.role === 'crl') crls.push(readCrl(bytes));
      else ocspResponses.push(toBasicOcspResponse(bytes));
      pieces.push({
        path: entry.path,
        role: entry.role,
        ok: true,
        message: `A readable ${entry.role} (relied on only where a check needs it).`,
      });
    } catch (e) {
      pieces.push({
        path: entry.path,
        role: entry.role,
        ok: false,
        code: 'EVIDENCE_BUNDLE_FILE_INVALID',
        message: `Not a DER ${entry.role}: ${(e as Error).message}`,
      });
    }
  }
  return { certificates, crls, ocspResponses };
}

/**
 * Verifies a bundle given as its files by path (`manifest.json` included). Valid only when the
 * manifest reads, every file is listed with its hash and every listed file is there, every
 * evidence, proof, token, certificate, CRL and OCSP response verifies or reads, every evidence
 * names the bundle's document (id, SHA-256, length) and is time-stamped (a batch token, or
 * a signature-time-stamp of its own), the document verifies when a verifier is given, and
 * every leg's chain holds. `usable` is false when the manifest is missing or invalid (the CLI
 * exits 2). Never throws for hostile input.
 */
export async function verifyBundle(files: BundleFiles, options: BundleVerifyOptions): Promise<BundleReport> {
  const time = options.time;
  const manifestFile = files.get(MANIFEST_PATH);
  const manifestBytes = manifestFile instanceof Uint8Array ? manifestFile : undefined;
  const manifestProblem = options.unreadable?.get(MANIFEST_PATH);
  if (manifestBytes === undefined || manifestProblem !== undefined)
    return unusable(time, {
      path: MANIFEST_PATH,
      role: 'manifest',
      ok: false,
      code: 'EVIDENCE_MANIFEST_INVALID',
      message:
        manifestProblem ??
        (manifestFile === undefined ? 'The bundle has no manifest.json.' : 'The manifest must be given as bytes.'),
    });
  let manifest: BundleManifest;
  try {
    manifest = parseManifest(manifestBytes);
  } catch (e) {
    return unusable(time, {
      path: MANIFEST_PATH,
      role: 'manifest',
      ok: false,
      code: 'EVIDENCE_MANIFEST_INVALID',
      message: isEvidenceError(e) ? (e.detail ?? e.message) : 'The manifest cannot be read.',
    });
  }
  const { pieces, intact, hashedIntact } = matchFiles(manifest, files, options.unreadable ?? new Map());
  pieces.unshift({
    path: MANIFEST_PATH,
    role: 'manifest',
    ok: true,
    message: `Lists ${manifest.files.length} files of document ${manifest.documentId}.`,
  });
  const data = validationData(manifest, intact, pieces);
  const checkOptions: EvidenceCheckOptions = {
    trustAnchors: options.trustAnchors,
    intermediates: [...(options.intermediates ?? []), ...data.certificates],
    crls: [...(options.crls ?? []), ...data.crls],
    ocspResponses: [...(options.ocspResponses ?? []), ...data.ocspResponses],
    time,
    ...(options.revocation === undefined ? {} : { revocation: options.revocation }),
    ...(options.algorithmPolicy === undefined ? {} : { algorithmPolicy: options.algorithmPolicy }),
  };
  const revocationChecked =
    options.revocation !== 'none' && checkOptions.crls!.length + checkOptions.ocspResponses!.length > 0;

  const documentEntry = manifest.files.find((f) => f.role === 'document')!;
  const documentBytes = intact.get(documentEntry.path);
  let documentVerified = false;
  if (documentBytes !== undefined || hashedIntact.has(documentEntry.path)) {
    if (options.verifyDocument === undefined)
      pieces.push({
        path: documentEntry.path,
        role: 'document',
        ok: true,
        message: 'The document is the one listed (its signatures were not verified: no verifier given).',
      });
    else {
      documentVerified = true;
      try {
        const document = { path: documentEntry.path, ...(documentBytes === undefined ? {} : { bytes: documentBytes }) };
        const result = await options.verifyDocument(document, checkOptions);
        pieces.push({
          path: documentEntry.path,
          role: 'document',
          ok: result.ok,
          ...(result.ok ? {} : { code: 'EVIDENCE_BUNDLE_FILE_INVALID' as const }),
          message: result.message,
          ...(result.details === undefined ? {} : { details: result.details }),
        });
      } catch (e) {
        pieces.push({
          path: documentEntry.path,
          role: 'document',
          ok: false,
          code: 'EVIDENCE_BUNDLE_FILE_INVALID',
          message: `The document could not be verified: ${(e as Error).message}`,
        });
      }
    }
  }

  const tokens = new Map<string, BatchTimestampCheck & { root?: Uint8Array }>();
  for (const entry of manifest.files.filter((f) => f.role === 'timestamp')) {
    const bytes = intact.get(entry.path);
    if (bytes === undefined) continue;
    const root = rootOfToken(bytes);
    const check =
      root === undefined
        ? { ok: false, message: 'Not a readable RFC 3161 time-stamp token.' }
        : { ...checkBatchTimestamp(bytes, root, checkOptions), root };
    tokens.set(entry.path, check);
    pieces.push({
      path: entry.path,
      role: 'timestamp',
      ok: check.ok,
      ...(check.ok ? {} : { code: 'EVIDENCE_TIMESTAMP_INVALID' as const }),
      message: check.message,
    });
  }
  for (const entry of manifest.files.filter((f) => f.role === 'proof')) {
    const bytes = intact.get(entry.path);
    if (bytes === undefined) continue;
    try {
      readInclusionProof(bytes);
      pieces.push({ path: entry.path, role: 'proof', ok: true, message: 'A readable inclusion proof.' });
    } catch (e) {
      pieces.push({
        path: entry.path,
        role: 'proof',
        ok: false,
        code: 'EVIDENCE_PROOF_INVALID',
        message: (e as Error).message,
      });
    }
  }

  const links: ChainLink[] = [];
  for (const entry of manifest.files.filter((f) => f.role === 'evidence')) {
    const bytes = intact.get(entry.path);
    if (bytes === undefined) continue;
    const piece = checkBundleEvidence(
      entry,
      bytes,
      manifest,
      documentEntry,
      intact,
      tokens,
      checkOptions,
      options.requireTimestamp ?? true,
    );
    pieces.push(piece);
    if (piece.ok && piece.evidence !== undefined)
      links.push({ path: entry.path, digest: sha256Hex(bytes), statement: piece.evidence.statement });
  }
  const legs = checkChains(links);
  const valid = pieces.every((p) => p.ok) && legs.every((l) => l.ok);
  return {
    valid,
    usable: true,
    documentId: manifest.documentId,
    time,
    revocationChecked,
    documentVerified,
    pieces,
    legs,
  };
}

/** The batch genTime that proves `entry` existed, or why its proof and token do not. */
function batchProof(
  entry: ManifestEntry,
  digest: Uint8Array,
  intact: ReadonlyMap<string, Uint8Array>,
  tokens: ReadonlyMap<string, BatchTimestampCheck & { root?: Uint8Array }>,
):
  | { genTime: Date; message: string }
  | { code: 'EVIDENCE_PROOF_INVALID' | 'EVIDENCE_TIMESTAMP_INVALID'; message: string } {
  const proofBytes = intact.get(entry.proof!);
  const token = tokens.get(entry.timestamp!);
  if (proofBytes === undefined || token === undefined)
    return { code: 'EVIDENCE_PROOF_INVALID', message: 'Its inclusion proof or batch token is missing or changed.' };
  let root: { root: Uint8Array } | { failure: string };
  try {
    root = rootOfProof(digest, readInclusionProof(proofBytes));
  } catch (e) {
    return { code: 'EVIDENCE_PROOF_INVALID', message: (e as Error).message };
  }
  if ('failure' in root) return { code: 'EVIDENCE_PROOF_INVALID', message: root.failure };
  if (token.root === undefined || Buffer.compare(token.root, root.root) !== 0)
    return {
      code: 'EVIDENCE_PROOF_INVALID',
      message: "Its inclusion proof leads to another root than its batch token's imprint.",
    };
  if (!token.ok)
    return { code: 'EVIDENCE_TIMESTAMP_INVALID', message: `Its batch token does not verify: ${token.message}` };
  return { genTime: token.genTime!, message: token.message };
}

function checkBundleEvidence(
  entry: ManifestEntry,
  bytes: Uint8Array,
  manifest: BundleManifest,
  documentEntry: ManifestEntry,
  intact: ReadonlyMap<string, Uint8Array>,
  tokens: ReadonlyMap<string, BatchTimestampCheck & { root?: Uint8Array }>,
  options: EvidenceCheckOptions,
  requireTimestamp: boolean,
): BundlePiece {
  const digest = evidenceDigest(bytes);
  const batch = entry.proof === undefined ? undefined : batchProof(entry, digest, intact, tokens);
  const check =
    batch !== undefined && 'genTime' in batch
      ? checkEvidenceAtProof(bytes, options, batch.genTime)
      : checkEvidence(bytes, options);
  const s = check.statement;
  const summary: EvidenceSummary | undefined =
    s === undefined
      ? undefined
      : {
          statement: s,
          ...(check.signerOffice === undefined ? {} : { signerOffice: check.signerOffice }),
          ...(check.report?.level === undefined ? {} : { level: check.report.level }),
          ...(check.validatedAt === undefined ? {} : { validatedAt: check.validatedAt }),
        };
  const base = { path: entry.path, role: 'evidence' as const, ...(summary === undefined ? {} : { evidence: summary }) };
  if (!check.ok) return { ...base, ok: false, code: check.code!, message: check.message };
  const st = s!;
  const fail = (
    code:
      | 'EVIDENCE_BUNDLE_FILE_INVALID'
      | 'EVIDENCE_PROOF_INVALID'
      | 'EVIDENCE_TIMESTAMP_INVALID'
      | 'EVIDENCE_NOT_TIMESTAMPED',
    message: string,
  ): BundlePiece => ({ ...base, ok: false, code, message });
  if (st.documentId !== manifest.documentId)
    return fail(
      'EVIDENCE_BUNDLE_FILE_INVALID',
      `The statement is about document ${st.documentId}, not ${manifest.documentId}.`,
    );
  if (st.documentSha256 !== documentEntry.sha256 || st.documentLength !== documentEntry.length)
    return fail(
      'EVIDENCE_BUNDLE_FILE_INVALID',
      "The statement's document SHA-256 or length is not the bundle document's.",
    );
  if (batch === undefined) {
    const best = check.report?.bestSignatureTime;
    if (best !== undefined)
      return {
        ...base,
        ok: true,
        message: `${check.message} Signature time-stamped at ${best.toISOString()}.`,
        genTime: best,
      };
    return requireTimestamp
      ? fail('EVIDENCE_NOT_TIMESTAMPED', 'The evidence has no batch time-stamp and no signature-time-stamp.')
      : { ...base, ok: true, message: `${check.message} Not time-stamped.` };
  }
  if (!('genTime' in batch)) return fail(batch.code, batch.message);
  if (st.time.getTime() > batch.genTime.getTime() + CLOCK_SKEW_MS)
    return fail(
      'EVIDENCE_TIMESTAMP_INVALID',
      `The statement's time is after its batch's time-stamp ${batch.genTime.toISOString()}.`,
    );
  return { ...base, ok: true, message: `${check.message} ${batch.message}`, genTime: batch.genTime };
}
