/**
 * The Merkle tree of a batch of evidence (RFC 6962 §2.1, RFC 9162 §2.1): over the SHA-256 of
 * each evidence's CMS, leaf hash = SHA-256(0x00 ‖ digest), node = SHA-256(0x01 ‖ left ‖
 * right), the left subtree of n leaves holding the largest power of two below n. One RFC 3161
 * time-stamp over the root then dates every evidence of the batch; each keeps its
 * inclusion proof (the audit path, RFC 9162 §2.1.3).
 */
import { createHash } from 'node:crypto';
import { EvidenceError } from './errors.ts';

/** Most leaves of one batch: 2^20 (an audit path of at most 20 hashes). */
export const MAX_BATCH_SIZE = 1 << 20;

/** Most hashes an audit path of a batch may have. */
export const MAX_PROOF_LENGTH = 20;

/** Where one evidence sits in its batch and the hashes that lead from it to the root. */
export interface InclusionProof {
  /** The leaf's index in the batch, from 0. */
  readonly index: number;
  /** The number of leaves of the batch (RFC 9162 tree_size). */
  readonly size: number;
  /** The audit path, leaf side first (RFC 9162 §2.1.3.1 inclusion_path). */
  readonly path: readonly Uint8Array[];
}

const sha256 = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};

/** RFC 6962 §2.1: the hash of a leaf whose data is `digest` (an evidence's SHA-256). */
export function leafHash(digest: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x00), digest);
}

/** RFC 6962 §2.1: the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256(Uint8Array.of(0x01), left, right);
}

function checkLeaves(leaves: readonly Uint8Array[]): void {
  if (leaves.length === 0) throw new EvidenceError('EVIDENCE_BATCH_INVALID', 'A batch has at least one evidence.');
  if (leaves.length > MAX_BATCH_SIZE)
    throw new EvidenceError('EVIDENCE_BATCH_INVALID', `A batch has at most ${MAX_BATCH_SIZE} evidences.`);
  leaves.forEach((leaf, i) => {
    if (!(leaf instanceof Uint8Array) || leaf.length !== 32)
      throw new EvidenceError('EVIDENCE_BATCH_INVALID', `Leaf ${i} is not a SHA-256 digest (32 bytes).`);
  });
}

/**
 * Every level of the tree, leaves first. Pairing neighbours and carrying a lone last node up
 * unchanged builds the same tree as RFC 6962's recursive split (the left subtree always
 * holds the largest power of two), in O(n).
 */
function levelsOf(leaves: readonly Uint8Array[]): Uint8Array[][] {
  checkLeaves(leaves);
  const levels: Uint8Array[][] = [leaves.map(leafHash)];
  while (levels[levels.length - 1]!.length > 1) {
    const below = levels[levels.length - 1]!;
    const level: Uint8Array[] = [];
    for (let i = 0; i < below.length; i += 2)
      level.push(i + 1 < below.length ? nodeHash(below[i]!, below[i + 1]!) : below[i]!);
    levels.push(level);
  }
  return levels;
}

function pathIn(levels: readonly Uint8Array[][], index: number): Uint8Array[] {
  const path: Uint8Array[] = [];
  let i = index;
  for (const level of levels.slice(0, -1)) {
    const sibling = i % 2 === 1 ? i - 1 : i + 1;
    if (sibling < level.length) path.push(level[sibling]!);
    i = Math.floor(i / 2);
  }
  return path;
}

/**
 * The root of a batch (RFC 6962 §2.1 Merkle Tree Hash) over `leaves`, each the SHA-256 of one
 * evidence's CMS (`EvidenceCheck.digest`, or `evidenceDigest`). Throws EVIDENCE_BATCH_INVALID
 * for an empty batch, one over {@link MAX_BATCH_SIZE}, or a leaf that is not 32 bytes.
 */
export function batchRoot(leaves: readonly Uint8Array[]): Uint8Array {
  const levels = levelsOf(leaves);
  return levels[levels.length - 1]![0]!;
}

/** The inclusion proof of `leaves[index]` (RFC 9162 §2.1.3.1). Throws EVIDENCE_BATCH_INVALID. */
export function inclusionProof(leaves: readonly Uint8Array[], index: number): InclusionProof {
  const levels = levelsOf(leaves);
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length)
    throw new EvidenceError('EVIDENCE_BATCH_INVALID', `Index ${index} is not in a batch of ${leaves.length}.`);
  return { index, size: leaves.length, path: pathIn(levels, index) };
}

/** The root and every leaf's inclusion proof at once, in O(n log n): what a batcher keeps. */
export function buildBatch(leaves: readonly Uint8Array[]): { root: Uint8Array; proofs: InclusionProof[] } {
  const levels = levelsOf(leaves);
  return {
    root: levels[levels.length - 1]![0]!,
    proofs: leaves.map((_, index) => ({ index, size: leaves.length, path: pathIn(levels, index) })),
  };
}

/** The outcome of {@link verifyInclusion}. */
export interface InclusionCheck {
  readonly ok: boolean;
  readonly message: string;
}

/**
 * The root the audit path of `proof` leads to from the evidence whose SHA-256 is `digest`
 * (RFC 9162 §2.1.3.2 without the last comparison), or why it leads nowhere. Never throws; a
 * hostile proof (an index beyond the size, a size over {@link MAX_BATCH_SIZE}, a path longer
 * than {@link MAX_PROOF_LENGTH} or than the tree is deep, hashes that are not 32 bytes) is
 * refused before any hashing.
 */
export function rootOfProof(digest: Uint8Array, proof: InclusionProof): { root: Uint8Array } | { failure: string } {
  const no = (failure: string) => ({ failure });
  if (!(digest instanceof Uint8Array) || digest.length !== 32) return no('The evidence digest is not 32 bytes.');
  const { index, size } = proof;
  const path: unknown = proof.path;
  if (!Number.isSafeInteger(size) || size < 1 || size > MAX_BATCH_SIZE)
    return no(`The batch size ${String(size)} is not 1 to ${MAX_BATCH_SIZE}.`);
  if (!Number.isSafeInteger(index) || index < 0 || index >= size)
    return no(`The index ${String(index)} is not in a batch of ${size}.`);
  if (!Array.isArray(path) || path.length > MAX_PROOF_LENGTH)
    return no(`The audit path has more than ${MAX_PROOF_LENGTH} hashes.`);
  const hashes = path as unknown[];
  if (!hashes.every((p): p is Uint8Array => p instanceof Uint8Array && p.length === 32))
    return no('An audit path entry is not a 32-byte hash.');
  let fn = index;
  let sn = size - 1;
  let r = leafHash(digest);
  for (const p of hashes) {
    if (sn === 0) return no('The audit path is longer than the tree is deep.');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = nodeHash(r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) return no('The audit path is shorter than the tree is deep.');
  return { root: r };
}

/**
 * Verifies that the evidence whose SHA-256 is `digest` is leaf `proof.index` of a batch of
 * `proof.size` leaves with root `root` (RFC 9162 §2.1.3.2). Never throws (see {@link rootOfProof}).
 */
export function verifyInclusion(digest: Uint8Array, proof: InclusionProof, root: Uint8Array): InclusionCheck {
  if (!(root instanceof Uint8Array) || root.length !== 32) return { ok: false, message: 'The root is not 32 bytes.' };
  const computed = rootOfProof(digest, proof);
  if ('failure' in computed) return { ok: false, message: computed.failure };
  if (Buffer.compare(computed.root, root) !== 0)
    return { ok: false, message: 'The audit path does not lead to the root.' };
  return { ok: true, message: `Leaf ${proof.index} of ${proof.size} leads to the root.` };
}
