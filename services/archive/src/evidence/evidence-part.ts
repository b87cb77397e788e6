/**
 * One stamped part of delivery's evidence checked before it joins a package (README
 * "Evidence ingest"): read strictly (libs/evidence `parseStampedPart`), of the event's
 * document, delivery and batch and of the archived PDF's SHA-256, and every row verified
 * offline (`checkTimestampedEvidence`: the seal's CMS at `time`, or at the batch token's
 * genTime when the seal expired or was revoked since; the inclusion proof; the token) against
 * signing's CA only. Runs on a worker thread (`checkEvidencePartJob`, src/archive-worker.ts;
 * evidence-check.ts asks for it): the part's size is capped by the caller, the parsers' own
 * budgets (libs/evidence, libs/pki) bound each structure, and the worker's time and memory
 * limits bound the whole.
 */
import { checkTimestampedEvidence, parseStampedPart } from '@lienthong/evidence';
import type { StampedPart } from '@lienthong/evidence';
import { IngestRefused } from '../ingest/ingest-errors.ts';
import type { EvidenceTrust } from './evidence-trust.ts';

/** What the part must be of. */
export interface ExpectedPart {
  documentId: string;
  deliveryId: string;
  batchId: string;
  /** The archived PDF's SHA-256 (hex): every statement must name it. */
  documentSha256: string;
}

const refuse = (message: string, cause?: unknown): never => {
  throw new IngestRefused('EVIDENCE_INVALID', message, cause === undefined ? undefined : { cause });
};

/** The part in `bytes` when it is the expected one and every row verifies; throws IngestRefused EVIDENCE_INVALID otherwise. */
export async function checkEvidencePart(
  bytes: Uint8Array,
  expected: ExpectedPart,
  trust: EvidenceTrust,
  time: Date,
): Promise<StampedPart> {
  let part: StampedPart;
  try {
    part = parseStampedPart(bytes);
  } catch (error) {
    return refuse(`the evidence part cannot be read: ${(error as Error).message}`, error);
  }
  if (part.documentId !== expected.documentId || part.deliveryId !== expected.deliveryId)
    refuse(`the part is of document ${part.documentId}, delivery ${part.deliveryId}, not the event's`);
  if (part.batchId !== expected.batchId) refuse(`the part is of batch ${part.batchId}, not the event's`);
  if (part.document.sha256 !== expected.documentSha256)
    refuse(`the part names a document of SHA-256 ${part.document.sha256}, not the archived PDF`);
  const options = { trustAnchors: trust.trustAnchors, intermediates: trust.intermediates, crls: trust.crls, time };
  for (const row of part.evidence) {
    const check = checkTimestampedEvidence(row.cms, { proof: row.proof, token: part.token }, options);
    if (!check.ok) refuse(`evidence ${row.id} does not verify: ${check.code ?? ''} ${check.message}`);
    const statement = check.statement;
    if (statement === undefined || statement.documentSha256 !== expected.documentSha256)
      refuse(`evidence ${row.id} is about another document`);
    if (statement?.id !== row.id) refuse(`evidence ${row.id} holds the statement of ${statement?.id ?? 'none'}`);
  }
  return part;
}

/** A part to check on a worker: its bytes, what it must be of, the trust and the validation time. */
export interface EvidencePartJob {
  bytes: Uint8Array;
  expected: ExpectedPart;
  trust: EvidenceTrust;
  time: Date;
}

/** The worker's task: `checkEvidencePart`, answering how many evidence rows the part holds. */
export async function checkEvidencePartJob(job: EvidencePartJob): Promise<{ evidence: number }> {
  const part = await checkEvidencePart(job.bytes, job.expected, job.trust, job.time);
  return { evidence: part.evidence.length };
}
