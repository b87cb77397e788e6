/**
 * The entry of a parsing worker thread (started by workers/parsing-pool.ts): the jobs that
 * read and judge what a caller uploaded — verification (workers/verify-tasks.ts) and the PDF
 * work of the signing routes (signing/pdf-tasks.ts). Nothing secret is ever here: a job that
 * needs a signature or a time-stamp asks the main thread for it.
 */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { extendPdfJob, inspectTargetJob, preparePdfJob, signPdfJob } from './signing/pdf-tasks.ts';
import { verifyCmsJob, verifyPdfJob } from './workers/verify-tasks.ts';

serveWorkerTasks({
  verifyPdf: verifyPdfJob,
  verifyCms: verifyCmsJob,
  inspectTarget: inspectTargetJob,
  signPdf: signPdfJob,
  preparePdf: preparePdfJob,
  extendPdf: extendPdfJob,
});
