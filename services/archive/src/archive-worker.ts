/**
 * The entry of an archive worker thread (started by workers/archive-workers.ts): the jobs that
 * parse what came from outside — a stamped part of delivery's evidence checked
 * (evidence/evidence-part.ts) and a package's PDF renewed (renewal/pdf-renewal-job.ts).
 * Nothing secret is ever here: the renewal asks the main thread for its time-stamp token.
 */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { checkEvidencePartJob } from './evidence/evidence-part.ts';
import { renewPdfJob } from './renewal/pdf-renewal-job.ts';

serveWorkerTasks({
  checkEvidencePart: checkEvidencePartJob,
  renewPdf: renewPdfJob,
});
