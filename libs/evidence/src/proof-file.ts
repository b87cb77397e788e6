/**
 * The inclusion proof as a file of a bundle: JSON `{"version":1,"index":…,"size":…,"path":["<hex>",…]}`,
 * written in that order without white space and read strictly within a small budget, so a
 * proof of a million hashes is refused by its size before it is parsed.
 */
import { readJsonObject } from './canonical-json.ts';
import { EvidenceError } from './errors.ts';
import { hex, sha256Pattern } from './fields.ts';
import { MAX_BATCH_SIZE, MAX_PROOF_LENGTH, type InclusionProof } from './merkle.ts';

/** Most bytes of a proof file (20 hashes in hex and the numbers fit with room). */
export const MAX_PROOF_BYTES = 4096;

const invalid = (why: string): EvidenceError => new EvidenceError('EVIDENCE_PROOF_INVALID', why);

/** The bytes of a proof file. */
export function encodeInclusionProof(proof: InclusionProof): Uint8Array {
  return new TextEncoder().encode(
    JSON.stringify({ version: 1, index: proof.index, size: proof.size, path: proof.path.map((p) => hex(p)) }),
  );
}

/**
 * Reads a proof file: at most {@link MAX_PROOF_BYTES}, one JSON object with exactly
 * `version` 1, `index` and `size` integers (index < size ≤ 2^20) and `path`, at most
 * {@link MAX_PROOF_LENGTH} SHA-256 values in lower-case hex. Throws EVIDENCE_PROOF_INVALID.
 */
export function readInclusionProof(bytes: Uint8Array): InclusionProof {
  const value = readJsonObject(bytes, 'inclusion proof', MAX_PROOF_BYTES, {
    tooLarge: 'EVIDENCE_PROOF_INVALID',
    malformed: 'EVIDENCE_PROOF_INVALID',
    duplicate: 'EVIDENCE_PROOF_INVALID',
  });
  const names = Object.keys(value).sort().join(',');
  if (names !== 'index,path,size,version')
    throw invalid(`An inclusion proof has exactly version, index, size and path; this one has ${names.slice(0, 200)}.`);
  if (value.version !== 1) throw invalid('The inclusion proof is not version 1.');
  const { index, size, path } = value;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_BATCH_SIZE)
    throw invalid(`size is not an integer from 1 to ${MAX_BATCH_SIZE}.`);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= size)
    throw invalid(`index is not an integer from 0 to size - 1.`);
  if (!Array.isArray(path) || path.length > MAX_PROOF_LENGTH)
    throw invalid(`path is not an array of at most ${MAX_PROOF_LENGTH} hashes.`);
  return {
    index,
    size,
    path: path.map((p, i) => {
      if (typeof p !== 'string' || !sha256Pattern.test(p)) throw invalid(`path[${i}] is not 64 lower-case hex digits.`);
      return Uint8Array.from(Buffer.from(p, 'hex'));
    }),
  };
}
