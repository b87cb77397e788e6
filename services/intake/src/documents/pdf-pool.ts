/**
 * The worker threads that check submitted PDFs (pdf-check.ts), so that one hostile file
 * costs one thread for at most the time limit and its memory limit while every other
 * request is answered (the pattern of services/signing's parsing pool). A refusal of the
 * pool becomes 422 DOCUMENT_CHECK_REFUSED (time, memory: the file is the cause) or 503
 * when the service stops or every thread is busy. `/metrics` shows it as `intake_pdf_*`.
 */
import {
  AppError,
  createWorkerPool,
  serviceErrors,
  WorkerPoolError,
  workerPoolMetrics,
  type ServiceApp,
} from '@lienthong/service';
import type { IntakeWorkerConfig } from '../config.ts';
import { intakeErrors } from '../errors.ts';
import type { PdfCheck, PdfCheckJob } from './pdf-check.ts';
import type { PdfStamp, PdfStampJob } from './pdf-stamp.ts';

/** Checks one PDF on a worker thread. */
export type CheckPdf = (job: PdfCheckJob) => Promise<PdfCheck>;

/** Stamps number and date into one signed PDF on a worker thread. */
export type StampPdf = (job: PdfStampJob) => Promise<PdfStamp>;

/** The jobs of the app's PDF threads. */
export interface PdfJobs {
  checkPdf: CheckPdf;
  stampPdf: StampPdf;
}

function refusal(error: WorkerPoolError, config: IntakeWorkerConfig): AppError {
  switch (error.reason) {
    case 'TIME_LIMIT':
      return new AppError(intakeErrors.DOCUMENT_CHECK_REFUSED, {
        detail: `Opening the PDF took longer than ${config.timeLimitMs} ms. Nothing was stored.`,
      });
    case 'MEMORY_LIMIT':
      return new AppError(intakeErrors.DOCUMENT_CHECK_REFUSED, {
        detail: `Opening the PDF needed more than ${config.memoryMb} MB. Nothing was stored.`,
      });
    case 'QUEUE_FULL':
    case 'CLOSED':
      return new AppError(serviceErrors.NOT_READY, { detail: 'Every PDF checker is busy or the service is stopping.' });
    case 'WORKER_EXITED':
      return new AppError(serviceErrors.INTERNAL, { cause: error });
  }
}

/** Makes the app's PDF threads (checks of submissions, stamps of issues), closed with the app. */
export function pdfPool(app: ServiceApp, config: IntakeWorkerConfig): PdfJobs {
  const pool = createWorkerPool({
    script: new URL('./pdf-worker.ts', import.meta.url),
    size: config.size,
    queueLimit: 64,
    timeLimitMs: config.timeLimitMs,
    resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
    onWorkerLost: (reason, detail) => app.log.warn(`intake: a PDF checker was terminated (${reason}): ${detail}`),
  });
  app.addHook('onClose', async () => pool.close());
  workerPoolMetrics(app.metrics.registry, pool, 'intake_pdf');
  async function run<T>(task: string, job: object): Promise<T> {
    try {
      return await pool.run<T>(task, job);
    } catch (error) {
      if (error instanceof WorkerPoolError) throw refusal(error, config);
      throw error;
    }
  }
  return {
    checkPdf: (job) => run<PdfCheck>('checkPdf', job),
    stampPdf: (job) => run<PdfStamp>('stampPdf', job),
  };
}
