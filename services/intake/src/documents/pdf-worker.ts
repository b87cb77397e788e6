/** The entry of a PDF worker thread (started by pdf-pool.ts): `checkPdf` and `stampPdf`. */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { checkPdfJob } from './pdf-check.ts';
import { stampPdfJob } from './pdf-stamp.ts';

serveWorkerTasks({ checkPdf: checkPdfJob, stampPdf: stampPdfJob });
