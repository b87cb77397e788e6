/**
 * The entry of a parsing worker thread (started by parsing-pool.ts): the jobs that read and
 * judge what a caller uploaded. Nothing secret is ever here: a job that needs a signature
 * asks the main thread for it.
 */
import { serveWorkerTasks } from '@lienthong/service/worker';
import { verifyCmsJob, verifyPdfJob } from './verify-tasks.ts';

serveWorkerTasks({ verifyPdf: verifyPdfJob, verifyCms: verifyCmsJob });
