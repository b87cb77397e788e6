// The batch tree against RFC 6962's recursive definition, every inclusion proof of batches of
// every size up to 70 and of 1,000, and hostile proofs refused before hashing.
import { createHash } from 'node:crypto';
import t from 'tap';
import {
  batchRoot,
  buildBatch,
  encodeInclusionProof,
  inclusionProof,
  isEvidenceError,
  MAX_PROOF_BYTES,
  readInclusionProof,
  verifyInclusion,
  type InclusionProof,
} from '../src/index.ts';

const sha = (...parts: Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const leaves = (n: number): Uint8Array[] => Array.from({ length: n }, (_, i) => sha(Buffer.from(`evidence ${i}`)));

// RFC 6962 §2.1, written as the RFC writes it: k is the largest power of two smaller than n.
function mth(d: Uint8Array[]): Uint8Array {
  if (d.length === 1) return sha(Uint8Array.of(0), d[0]!);
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return sha(Uint8Array.of(1), mth(d.slice(0, k)), mth(d.slice(k)));
}
// RFC 6962 §2.1.1 PATH(m, D[n]).
function path(m: number, d: Uint8Array[]): Uint8Array[] {
  if (d.length === 1) return [];
  let k = 1;
  while (k * 2 < d.length) k *= 2;
  return m < k ? [...path(m, d.slice(0, k)), mth(d.slice(k))] : [...path(m - k, d.slice(k)), mth(d.slice(0, k))];
}

void t.test('root and proofs are those of RFC 6962 for every batch size from 1 to 70', async (t) => {
  for (let n = 1; n <= 70; n++) {
    const d = leaves(n);
    const root = batchRoot(d);
    t.same(root, mth(d), `root of ${n}`);
    const batch = buildBatch(d);
    t.same(batch.root, root);
    for (let m = 0; m < n; m++) {
      t.same(batch.proofs[m]!.path, path(m, d), `path ${m} of ${n}`);
      t.same(inclusionProof(d, m), batch.proofs[m]);
      if (!verifyInclusion(d[m]!, batch.proofs[m]!, root).ok) t.fail(`leaf ${m} of ${n} does not verify`);
    }
  }
});

void t.test('a batch of 1,000: every leaf verifies, and only at its own place', async (t) => {
  const d = leaves(1000);
  const { root, proofs } = buildBatch(d);
  t.same(root, mth(d));
  let verified = 0;
  for (const [m, proof] of proofs.entries()) if (verifyInclusion(d[m]!, proof, root).ok) verified++;
  t.equal(verified, 1000);
  t.notOk(verifyInclusion(d[1]!, proofs[0]!, root).ok, "another leaf's proof");
  t.notOk(verifyInclusion(d[0]!, { ...proofs[0]!, index: 1 }, root).ok, 'another index');
  t.notOk(verifyInclusion(d[998]!, { ...proofs[998]!, size: 999 }, root).ok, 'another size');
  t.notOk(verifyInclusion(d[999]!, proofs[999]!, batchRoot(d.slice(0, 999))).ok, 'another root');
  const back = readInclusionProof(encodeInclusionProof(proofs[500]!));
  t.same(back, proofs[500], 'a proof file reads back');
  t.ok(verifyInclusion(d[500]!, back, root).ok);
});

void t.test('batches are not empty, not too large, of 32-byte leaves', async (t) => {
  for (const [what, run] of [
    ['empty', () => batchRoot([])],
    ['a short leaf', () => batchRoot([new Uint8Array(31)])],
    ['an index beyond', () => inclusionProof(leaves(3), 3)],
    ['a negative index', () => inclusionProof(leaves(3), -1)],
  ] as const) {
    try {
      run();
      t.fail(what);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_BATCH_INVALID'), what);
    }
  }
});

void t.test('hostile proofs are refused without walking them', async (t) => {
  const d = leaves(7);
  const { root, proofs } = buildBatch(d);
  const p = proofs[3]!;
  const hostile: [string, InclusionProof][] = [
    ['a path one hash too short', { ...p, path: p.path.slice(1) }],
    ['a path one hash too long', { ...p, path: [...p.path, p.path[0]!] }],
    ['an index beyond the size', { ...p, index: 7 }],
    ['a huge size', { ...p, size: 2 ** 40 }],
    ['a fractional index', { ...p, index: 2.5 }],
    ['a million siblings', { ...p, path: Array.from({ length: 1_000_000 }, () => p.path[0]!) }],
    ['a 31-byte hash', { ...p, path: [p.path[0]!.subarray(1), ...p.path.slice(1)] }],
    ['a path that is not an array', { ...p, path: 'abc' as unknown as Uint8Array[] }],
  ];
  for (const [what, proof] of hostile) t.notOk(verifyInclusion(d[3]!, proof, root).ok, what);
  t.ok(verifyInclusion(d[3]!, p, root).ok, 'the honest proof still verifies');

  const file = JSON.parse(new TextDecoder().decode(encodeInclusionProof(p))) as Record<string, unknown>;
  const bytesOf = (v: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(v));
  const badFiles: [string, Uint8Array][] = [
    ['a million siblings', bytesOf({ ...file, path: Array.from({ length: 1_000_000 }, () => '00') })],
    ['non-hex', bytesOf({ ...file, path: ['zz'.repeat(32)] })],
    ['upper-case hex', bytesOf({ ...file, path: (file.path as string[]).map((h) => h.toUpperCase()) })],
    ['a short hash', bytesOf({ ...file, path: ['00'.repeat(31)] })],
    ['21 hashes', bytesOf({ ...file, path: Array.from({ length: 21 }, () => '00'.repeat(32)) })],
    ['an index beyond the size', bytesOf({ ...file, index: 7 })],
    ['a string index', bytesOf({ ...file, index: '3' })],
    ['a size over 2^20', bytesOf({ ...file, size: 2 ** 20 + 1 })],
    ['an unknown member', bytesOf({ ...file, root: '00' })],
    ['no path', bytesOf({ version: 1, index: 3, size: 7 })],
    ['another version', bytesOf({ ...file, version: 2 })],
    [
      'a repeated member',
      new TextEncoder().encode(new TextDecoder().decode(encodeInclusionProof(p)).replace('{', '{"index":0,')),
    ],
    ['not JSON', new TextEncoder().encode('{index: 3}')],
  ];
  for (const [what, bytes] of badFiles) {
    try {
      readInclusionProof(bytes);
      t.fail(what);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_PROOF_INVALID'), `${what}: ${(e as Error).message.slice(0, 120)}`);
    }
  }
  t.ok(bytesOf({ ...file, path: Array.from({ length: 1_000_000 }, () => '00') }).length > MAX_PROOF_BYTES);
});
