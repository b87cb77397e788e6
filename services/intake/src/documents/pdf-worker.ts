/** The entry of a PDF-checking worker thread (started by pdf-pool.ts): one job, `checkPdf`. */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { checkPdfJob } from './pdf-check.ts';

serveWorkerTasks({ checkPdf: checkPdfJob });
