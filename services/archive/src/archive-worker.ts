 * The entry of an archive worker thread (started by workers/archive-workers.ts): the jobs that
 * parse what came from outside — a stamped part of delivery's evidence checked
 * (evidence/evidence-part.ts). Nothing secret is ever here.
 */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { checkEvidencePartJob } from './evidence/evidence-part.ts';

serveWorkerTasks({
  checkEvidencePart: checkEvidencePartJob,
});
