/**
 * The archive's worker threads (README "Workers"): the parsing of what comes from outside —
 * delivery's stamped evidence parts (evidence/evidence-part.ts) and the PDF a renewal extends
 * (renewal/pdf-renewal-job.ts) — runs there, so that one hostile part or PDF costs one thread
 * for at most the job time limit and its memory limit, and `/healthz`, searches and retrievals
 * of every office keep being answered. One pool per process, closed with the app; the
 * worker's entry is src/archive-worker.ts. `/metrics` shows it (`lienthong_archive_workers_busy`,
 * `_jobs_queued`, `_workers_lost`, `_worker_threads`). What a refusal of the pool means is
 * the caller's to say (a part over the limits is refused, a lost worker is "not now").
 */
import {
  createWorkerPool,
  workerPoolMetrics,
  type ServiceApp,
  type WorkerCalls,
  type WorkerPool,
  type WorkerPoolRefusal,
} from '@lienthong/service';
import type { WorkerConfig } from '../config.ts';

/** The job names src/archive-worker.ts serves. */
export type ArchiveTask = 'checkEvidencePart' | 'renewPdf';

/** The worker pool of one archive process. */
export interface ArchiveWorkers {
  /** Runs a job; rejects with the pool's `WorkerPoolError`, or `WorkerTaskError` for what the task threw. */
  run<T>(task: ArchiveTask, input: unknown, calls?: WorkerCalls): Promise<T>;
  readonly pool: WorkerPool;
}

/** How the pool is made besides its configuration. */
export interface ArchiveWorkerOptions {
  /** Told when a thread is terminated or dies (the log). */
  onWorkerLost?: (reason: WorkerPoolRefusal, detail: string) => void;
  /** Another worker module serving the same tasks (tests add some of their own). */
  script?: URL;
  /** The threads' environment (default empty; tests pass the test runner's switches). */
  env?: Readonly<Record<string, string>>;
}

/** Makes a pool from `config` (no thread until the first job); the caller closes it. */
export function createArchiveWorkers(config: WorkerConfig, options: ArchiveWorkerOptions = {}): ArchiveWorkers {
  const pool = createWorkerPool({
    script: options.script ?? new URL('../archive-worker.ts', import.meta.url),
    size: config.size,
    queueLimit: config.queueLimit,
    timeLimitMs: config.timeLimitMs,
    resourceLimits: { maxOldGenerationSizeMb: config.memoryMb },
    ...(options.onWorkerLost === undefined ? {} : { onWorkerLost: options.onWorkerLost }),
    ...(options.env === undefined ? {} : { env: options.env }),
  });
  return { pool, run: (task, input, calls) => pool.run(task, input, calls) };
}

/** The app's pool: logged when a thread is lost, on `/metrics`, closed with the app (no thread outlives it). */
export function archiveWorkers(app: ServiceApp, config: WorkerConfig): ArchiveWorkers {
  const workers = createArchiveWorkers(config, {
    onWorkerLost: (reason, detail) => app.log.warn(`archive: a worker thread was terminated (${reason}): ${detail}`),
  });
  app.addHook('onClose', () => workers.pool.close());
  workerPoolMetrics(app.metrics.registry, workers.pool, 'lienthong_archive');
  return workers;
}
