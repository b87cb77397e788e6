/**
 * A stamped part checked on the archive's worker threads (evidence-part.ts runs there), and
 * what the thread's answer means for the event: the part's refusal (`IngestRefused`) crosses
 * back as itself; a part that takes the worker over its time or memory limit is refused too
 * (EVIDENCE_INVALID: the limits are the same for every part, so it would again); a worker lost
 * otherwise, every worker busy or the pool closing is `WorkerUnavailable`, "not now".
 */
import { WorkerPoolError, WorkerTaskError } from '@lienthong/service';
import { IngestRefused, type IngestRefusal } from '../ingest/ingest-errors.ts';
import type { ArchiveWorkers } from '../workers/archive-workers.ts';
import type { EvidencePartJob, ExpectedPart } from './evidence-part.ts';
import type { EvidenceTrust } from './evidence-trust.ts';

/** No worker could check the part now (one died under it, all are busy, the service is stopping): try again. */
export class WorkerUnavailable extends Error {
  constructor(cause: WorkerPoolError) {
    super(`the part could not be checked now (${cause.reason}): ${cause.message}`, { cause });
    this.name = 'WorkerUnavailable';
  }
}

function fromWorker(error: unknown): unknown {
  if (error instanceof WorkerPoolError) {
    if (error.reason === 'TIME_LIMIT' || error.reason === 'MEMORY_LIMIT')
      return new IngestRefused(
        'EVIDENCE_INVALID',
        `checking the part went over the worker's limits: ${error.message}`,
        {
          cause: error,
        },
      );
    return new WorkerUnavailable(error);
  }
  if (error instanceof WorkerTaskError && error.name === 'IngestRefused' && error.code !== undefined) {
    const code = error.code as IngestRefusal;
    const message = error.message.startsWith(`${code}: `) ? error.message.slice(code.length + 2) : error.message;
    return new IngestRefused(code, message);
  }
  return error;
}

/**
 * Checks the part in `bytes` on a worker (evidence-part.ts `checkEvidencePart`); resolves to
 * how many evidence rows it holds. Throws IngestRefused, or WorkerUnavailable (not now).
 */
export async function checkEvidencePartOn(
  workers: ArchiveWorkers,
  bytes: Uint8Array,
  expected: ExpectedPart,
  trust: EvidenceTrust,
  time: Date,
): Promise<number> {
  const job: EvidencePartJob = { bytes, expected, trust, time };
  try {
    return (await workers.run<{ evidence: number }>('checkEvidencePart', job)).evidence;
  } catch (error) {
    throw fromWorker(error);
  }
}
