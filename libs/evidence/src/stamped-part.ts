/**
 * A stamped part: the evidence of one delivery in one time-stamped batch, as one JSON object
 * (what the delivery service writes to its evidence bucket for the archive, one per delivery
 * and batch). It carries what a bundle carries for those rows — each evidence's CMS, its
 * inclusion proof (the proof file's shape) and the batch's RFC 3161 token — with each row's
 * place in its leg (recipient office, `seq`), so a reader rebuilds a bundle from the parts of
 * a delivery ({@link stampedPartEvidence} → `assembleBundle` → `verifyBundle`). A part alone
 * holds a leg's chain only from the batch on: its first link may follow a row of an earlier
 * part.
 *
 * ```
 * {"format":"lienthong-evidence-part","version":1,"documentId","deliveryId","batchId",
 *  "document":{"sha256","length"},"timestamp":"<base64 DER token>",
 *  "evidence":[{"id","recipientOffice":null|code,"seq","event","cms":"<base64 DER>",
 *               "proof":{"index","size","path":[hex…]}}, …]}
 * ```
 */
import type { BundleEvidence } from './assemble-bundle.ts';
import { readJsonObject } from './canonical-json.ts';
import { EvidenceError } from './errors.ts';
import { codePattern, hex, idPattern, sha256Pattern, uuidPattern } from './fields.ts';
import { MAX_BATCH_SIZE, MAX_PROOF_LENGTH, type InclusionProof } from './merkle.ts';
import type { HashedFile } from './manifest.ts';

/** The `format` of a stamped part. */
export const stampedPartFormat = 'lienthong-evidence-part';

/** The `version` of stamped parts this package writes and reads. */
export const stampedPartVersion = 1;

/** Most bytes of a stamped part read (a batch of 2^16 evidences of a few KB each fits; a JS string holds 2^29). */
export const MAX_STAMPED_PART_BYTES = 512 * 1024 * 1024;

/** What a part says about itself. */
export interface StampedPartHead {
  readonly documentId: string;
  readonly deliveryId: string;
  readonly batchId: string;
  /** The delivered document, by SHA-256 and length (as the statements name it). */
  readonly document: HashedFile;
  /** The batch's RFC 3161 TimeStampToken, DER. */
  readonly token: Uint8Array;
}

/** One evidence of a part. */
export interface StampedPartRow {
  /** The statement's id. */
  readonly id: string;
  /** The leg's recipient office; null for the delivery's own (the submission). */
  readonly recipientOffice: string | null;
  /** Its place in its leg (0 for the submission). */
  readonly seq: number;
  readonly event: string;
  /** The CMS SignedData with the statement inside, DER. */
  readonly cms: Uint8Array;
  readonly proof: InclusionProof;
}

/** A stamped part as read. */
export interface StampedPart extends StampedPartHead {
  readonly evidence: readonly StampedPartRow[];
}

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64');
const encoder = new TextEncoder();

function rowJson(row: StampedPartRow): string {
  return JSON.stringify({
    id: row.id,
    recipientOffice: row.recipientOffice,
    seq: row.seq,
    event: row.event,
    cms: b64(row.cms),
    proof: { index: row.proof.index, size: row.proof.size, path: row.proof.path.map((p) => hex(p)) },
  });
}

/**
 * The bytes of a part, in chunks: the head, then one chunk per row as `rows` yields them (so
 * a writer streams a part of thousands of evidences without holding them all), then the end.
 * Throws EVIDENCE_PART_INVALID when `rows` yields none.
 */
export async function* encodeStampedPart(
  head: StampedPartHead,
  rows: AsyncIterable<StampedPartRow> | Iterable<StampedPartRow>,
): AsyncGenerator<Uint8Array> {
  const start = JSON.stringify({
    format: stampedPartFormat,
    version: stampedPartVersion,
    documentId: head.documentId,
    deliveryId: head.deliveryId,
    batchId: head.batchId,
    document: { sha256: head.document.sha256, length: head.document.length },
    timestamp: b64(head.token),
  });
  yield encoder.encode(`${start.slice(0, -1)},"evidence":[\n`);
  let n = 0;
  for await (const row of rows) yield encoder.encode(`${n++ === 0 ? '' : ',\n'}${rowJson(row)}`);
  if (n === 0) throw new EvidenceError('EVIDENCE_PART_INVALID', 'A stamped part holds at least one evidence.');
  yield encoder.encode('\n]}\n');
}

const invalid = (why: string): EvidenceError => new EvidenceError('EVIDENCE_PART_INVALID', why);

function exactly(value: Record<string, unknown>, names: readonly string[], what: string): void {
  const have = Object.keys(value).sort().join(',');
  if (have !== [...names].sort().join(','))
    throw invalid(`${what} has exactly ${names.join(', ')}; this one has ${have.slice(0, 200)}.`);
}

function bytesOf(value: unknown, what: string, max: number): Uint8Array {
  if (typeof value !== 'string' || value.length === 0 || value.length > max || !/^[A-Za-z0-9+/]*={0,2}$/.test(value))
    throw invalid(`${what} is not base64 of at most ${max} characters.`);
  const bytes = Buffer.from(value, 'base64');
  if (bytes.toString('base64') !== value) throw invalid(`${what} is not canonical base64.`);
  return Uint8Array.from(bytes);
}

function proofOf(value: unknown, at: string): InclusionProof {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${at} is not an object.`);
  const p = value as Record<string, unknown>;
  exactly(p, ['index', 'size', 'path'], at);
  const { index, size, path } = p;
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 1 || size > MAX_BATCH_SIZE)
    throw invalid(`${at}.size is not an integer from 1 to ${MAX_BATCH_SIZE}.`);
  if (typeof index !== 'number' || !Number.isSafeInteger(index) || index < 0 || index >= size)
    throw invalid(`${at}.index is not an integer from 0 to size - 1.`);
  if (!Array.isArray(path) || path.length > MAX_PROOF_LENGTH)
    throw invalid(`${at}.path is not an array of at most ${MAX_PROOF_LENGTH} hashes.`);
  return {
    index,
    size,
    path: path.map((h, i) => {
      if (typeof h !== 'string' || !sha256Pattern.test(h)) throw invalid(`${at}.path[${i}] is not a SHA-256 in hex.`);
      return Uint8Array.from(Buffer.from(h, 'hex'));
    }),
  };
}

function rowOf(value: unknown, at: string): StampedPartRow {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${at} is not an object.`);
  const r = value as Record<string, unknown>;
  exactly(r, ['id', 'recipientOffice', 'seq', 'event', 'cms', 'proof'], at);
  if (typeof r.id !== 'string' || !uuidPattern.test(r.id)) throw invalid(`${at}.id is not a lower-case UUID.`);
  if (r.recipientOffice !== null && (typeof r.recipientOffice !== 'string' || !codePattern.test(r.recipientOffice)))
    throw invalid(`${at}.recipientOffice is neither null nor an office code.`);
  if (typeof r.seq !== 'number' || !Number.isSafeInteger(r.seq) || r.seq < 0)
    throw invalid(`${at}.seq is not a non-negative integer.`);
  if (typeof r.event !== 'string' || !/^[A-Za-z]{1,64}$/.test(r.event)) throw invalid(`${at}.event is not a name.`);
  return {
    id: r.id,
    recipientOffice: r.recipientOffice,
    seq: r.seq,
    event: r.event,
    // 1 MiB of CMS, as checkEvidence reads at most.
    cms: bytesOf(r.cms, `${at}.cms`, Math.ceil((1024 * 1024) / 3) * 4),
    proof: proofOf(r.proof, `${at}.proof`),
  };
}

/**
 * Reads a part strictly: at most {@link MAX_STAMPED_PART_BYTES}, UTF-8 JSON, the format and
 * version this reader knows, no unknown, repeated or missing member, ids and codes of their
 * shape, base64 that decodes, proofs as proof files require, at least one evidence, no id
 * twice, every proof of the same batch size. What the bytes prove is for `verifyBundle` (or
 * `checkTimestampedEvidence`) to say. Throws EVIDENCE_PART_INVALID saying what and where.
 */
export function parseStampedPart(bytes: Uint8Array): StampedPart {
  const value = readJsonObject(bytes, 'stamped part', MAX_STAMPED_PART_BYTES, {
    tooLarge: 'EVIDENCE_PART_INVALID',
    malformed: 'EVIDENCE_PART_INVALID',
    duplicate: 'EVIDENCE_PART_INVALID',
  });
  exactly(
    value,
    ['format', 'version', 'documentId', 'deliveryId', 'batchId', 'document', 'timestamp', 'evidence'],
    'A stamped part',
  );
  if (value.format !== stampedPartFormat) throw invalid(`format is not ${stampedPartFormat}.`);
  if (value.version !== stampedPartVersion) throw invalid(`version is not ${stampedPartVersion}.`);
  for (const name of ['documentId', 'deliveryId', 'batchId'])
    if (typeof value[name] !== 'string' || !idPattern.test(value[name])) throw invalid(`${name} is not an id.`);
  const document = value.document;
  if (typeof document !== 'object' || document === null || Array.isArray(document))
    throw invalid('document is not an object.');
  const doc = document as Record<string, unknown>;
  exactly(doc, ['sha256', 'length'], 'document');
  if (typeof doc.sha256 !== 'string' || !sha256Pattern.test(doc.sha256))
    throw invalid('document.sha256 is not 64 lower-case hex digits.');
  if (typeof doc.length !== 'number' || !Number.isSafeInteger(doc.length) || doc.length < 1)
    throw invalid('document.length is not a positive integer.');
  const token = bytesOf(value.timestamp, 'timestamp', 1024 * 1024);
  if (!Array.isArray(value.evidence) || value.evidence.length === 0 || value.evidence.length > MAX_BATCH_SIZE)
    throw invalid(`evidence is not an array of 1 to ${MAX_BATCH_SIZE} evidences.`);
  const evidence = value.evidence.map((r, i) => rowOf(r, `evidence[${i}]`));
  const ids = new Set<string>();
  for (const [i, r] of evidence.entries()) {
    if (ids.has(r.id)) throw invalid(`evidence[${i}].id ${r.id} is listed twice.`);
    ids.add(r.id);
    if (r.proof.size !== evidence[0]!.proof.size)
      throw invalid(`evidence[${i}].proof is of a batch of another size than evidence[0]'s.`);
  }
  return {
    documentId: value.documentId as string,
    deliveryId: value.deliveryId as string,
    batchId: value.batchId as string,
    document: { sha256: doc.sha256, length: doc.length },
    token,
    evidence,
  };
}

/** The part's evidence as `assembleBundle` takes it: each CMS with its proof and the batch's token. */
export function stampedPartEvidence(part: StampedPart): BundleEvidence[] {
  return part.evidence.map((e) => ({ cms: e.cms, stamp: { proof: e.proof, token: part.token } }));
}
