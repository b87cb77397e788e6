/**
 * The worker threads that parse and judge uploads (issue 15): `/v1/verify`, `/v1/verify/pdf`
 * and the PDF reading of the signing routes run there, so that one hostile file costs one
 * thread for at most the job time limit and its memory limit, and `/healthz` and every other
 * office's requests keep being answered. The worker's entry is src/parsing-worker.ts
 * (beside app.ts: it gathers the jobs of workers/ and signing/). A refusal of the pool
 * becomes the service's problem: 422 PARSING_TIME_LIMIT / PARSING_MEMORY_LIMIT (the file, not the service, is the
 * cause: the thread's limits are the same for every caller), 503 PARSING_QUEUE_FULL with
 * `retry-after` when every thread is busy and the queue is full. `/metrics` shows the pool
 * (`signing_parsing_workers_busy`, `_jobs_queued`, `_workers_lost`, `_worker_threads`).
 */
import { pdfErrors } from '@lienthong/pdf';
import {
  AppError,
  createWorkerPool,
  serviceErrors,
  WorkerPoolError,
  WorkerTaskError,
  workerPoolMetrics,
  type ServiceApp,
  type WorkerCalls,
  type WorkerPool,
} from '@lienthong/service';
import type { WorkerConfig } from '../config.ts';
import { signingErrors } from '../errors.ts';

/** Seconds a caller refused with PARSING_QUEUE_FULL is told to wait (`retry-after`). */
export const queueFullRetryAfterSeconds = 5;

/** The job names src/parsing-worker.ts serves. */
export type ParsingTask = 'verifyPdf' | 'verifyCms' | 'inspectTarget' | 'signPdf' | 'preparePdf' | 'extendPdf';

// The catalogues whose errors a job may end in: they cross as code, detail and extra.
const catalogues = [signingErrors, serviceErrors, pdfErrors] as const;

/** A catalogue error a job threw in the worker, as that error here; anything else as it came. */
function fromWorker(error: WorkerTaskError): Error {
  for (const catalogue of catalogues) {
    if (error.code === undefined || !Object.hasOwn(catalogue, error.code)) continue;
    const definition = (catalogue as Record<string, unknown>)[error.code];
    return new AppError(definition as (typeof catalogue)[keyof typeof catalogue], {
      ...(error.detail === undefined ? {} : { detail: error.detail }),
      ...(typeof error.data === 'object' && error.data !== null
        ? { extra: error.data as Record<string, unknown> }
        : {}),
    });
  }
  return error;
}

/** The pool of parsing workers of one app. */
export interface ParsingPool {
  /** Runs a job; a refusal of the pool is an AppError of the signing catalogue. */
  run<T>(task: ParsingTask, input: unknown, calls?: WorkerCalls): Promise<T>;
  readonly pool: WorkerPool;
}

function refusal(error: WorkerPoolError, config: WorkerConfig): AppError {
  switch (error.reason) {
    case 'TIME_LIMIT':
      return new AppError(signingErrors.PARSING_TIME_LIMIT, {
        detail: `Reading the upload took longer than ${config.timeLimitMs} ms (LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS); it was not judged.`,
        extra: { limitMs: config.timeLimitMs },
      });
    case 'MEMORY_LIMIT':
      return new AppError(signingErrors.PARSING_MEMORY_LIMIT, {
        detail: `Reading the upload needed more than ${config.memoryMb} MB (LIENTHONG_SIGNING_WORKER_MEMORY_MB); it was not judged.`,
        extra: { limitMb: config.memoryMb },
      });
    case 'QUEUE_FULL':
      return new AppError(signingErrors.PARSING_QUEUE_FULL, { extra: { retryAfter: queueFullRetryAfterSeconds } });
    case 'CLOSED':
      return new AppError(serviceErrors.NOT_READY, { detail: 'The service is stopping.' });
    case 'WORKER_EXITED':
      return new AppError(serviceErrors.INTERNAL, { cause: error });
  }
}

/**
 * Makes the app's parsing pool from the config, closed with the app (no thread outlives
 * it), and answers PARSING_QUEUE_FULL with `retry-after`.
 */
export function parsingPool(app: ServiceApp, config: WorkerConfig): ParsingPool {
  const pool = createWorkerPool({
    script: new URL('../parsing-worker.ts', import.meta.url),
    size: config.size,
    queueLimit: config.queueLimit,
    timeLimitMs: config.timeLimitMs,
    resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
    onWorkerLost: (reason, detail) => app.log.warn(`signing: a parsing worker was terminated (${reason}): ${detail}`),
  });
  app.addHook('onClose', async () => pool.close());
  workerPoolMetrics(app.metrics.registry, pool, 'signing_parsing');
  app.addHook('onError', async (_request, reply, error) => {
    if (error instanceof AppError && error.code === 'PARSING_QUEUE_FULL')
      void reply.header('retry-after', String(queueFullRetryAfterSeconds));
  });
  return {
    pool,
    async run<T>(task: ParsingTask, input: unknown, calls?: WorkerCalls): Promise<T> {
      try {
        return await pool.run<T>(task, input, calls);
      } catch (error) {
        if (error instanceof WorkerPoolError) throw refusal(error, config);
        if (error instanceof WorkerTaskError) throw fromWorker(error);
        throw error;
      }
    },
  };
}
