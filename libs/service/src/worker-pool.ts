/**
 * A fixed-size pool of worker threads (node:worker_threads) for work that must not hold the
 * event loop: parsing and judging what a caller uploaded. Each worker runs one job at a time
 * under the pool's `resourceLimits` (V8 heap) and a time limit; a job over either is refused
 * (`WorkerPoolError` TIME_LIMIT / MEMORY_LIMIT), its worker is terminated, and a fresh one
 * takes its place at the next job. Threads start on first need, up to `size`; jobs beyond the
 * busy workers wait in a bounded queue, and beyond it are refused at once (QUEUE_FULL).
 * `close()` refuses what waits, terminates every thread and resolves when they have exited.
 *
 * A job may call back into the main thread (`calls`): the worker asks, the main thread
 * answers, so that what must stay here (a private key, a token session) never crosses. A
 * worker starts with an empty `process.env`, so the secrets a service reads from its
 * environment are not there either.
 * The worker module serves its tasks with `serveWorkerTasks` (worker-tasks.ts).
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { Gauge, type Registry } from 'prom-client';
import { serialiseError, type FromWorker, type SerialisedError, type ToWorker } from './worker-protocol.ts';

/** Why the pool refused a job. */
export type WorkerPoolRefusal = 'TIME_LIMIT' | 'MEMORY_LIMIT' | 'QUEUE_FULL' | 'CLOSED' | 'WORKER_EXITED';

/** The pool refused or abandoned a job (its worker, if any, was terminated). */
export class WorkerPoolError extends Error {
  readonly reason: WorkerPoolRefusal;
  constructor(reason: WorkerPoolRefusal, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkerPoolError';
    this.reason = reason;
  }
}

/** The task itself threw in the worker: its name, message, code, detail and data, as they crossed. */
export class WorkerTaskError extends Error {
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly data: unknown;
  constructor(error: SerialisedError) {
    super(error.message);
    this.name = error.name;
    this.code = error.code;
    this.detail = error.detail;
    this.data = error.data;
  }
}

/** How a pool is made. */
export interface WorkerPoolOptions {
  /** The worker module (a file URL; a .ts file runs with Node's type stripping). */
  script: URL;
  /** Most threads at once (≥ 1). */
  size: number;
  /** Most jobs waiting for a thread; beyond it `run` refuses with QUEUE_FULL. */
  queueLimit: number;
  /** Longest a job may run once a thread has it, ms. */
  timeLimitMs: number;
  /** Each thread's V8 limits (e.g. `{ maxOldGenerationSizeMb: 256 }`). */
  resourceLimits?: ResourceLimits;
  /** Told when a thread is terminated or dies, with why (for the log). */
  onWorkerLost?: (reason: WorkerPoolRefusal, detail: string) => void;
  /**
   * The threads' environment (default empty: the process's secrets never reach a worker).
   * Tests pass the test runner's own switches here (tap's `_TAPJS_PROCESSINFO_COVERAGE_`).
   */
  env?: Readonly<Record<string, string>>;
}

/** Main-thread handlers a job's worker may call (`context.call(name, args)`). */
export type WorkerCalls = Readonly<Record<string, (args: never) => unknown>>;

/** What the pool is doing, for tests and metrics. */
export interface WorkerPoolStats {
  /** Threads alive (started and not yet exited). */
  threads: number;
  busy: number;
  queued: number;
  /** Threads terminated or lost to a limit or a crash since the start. */
  lost: number;
}

/** A pool of worker threads; see the module comment. */
export interface WorkerPool {
  /** Runs `task` with `input` (structured-clone data) on a worker; resolves with its result. */
  run<T>(task: string, input: unknown, calls?: WorkerCalls): Promise<T>;
  stats(): WorkerPoolStats;
  close(): Promise<void>;
}

interface Job {
  task: string;
  input: unknown;
  calls: WorkerCalls;
  resolve(value: unknown): void;
  reject(error: unknown): void;
  timer?: NodeJS.Timeout;
  /** The first error a main-thread call threw: the job's failure is reported as that error. */
  callError?: unknown;
}

interface Slot {
  worker: Worker;
  job?: Job;
  jobId: number;
  /** The worker has loaded its module and serves tasks (the time limit runs only from then). */
  ready: boolean;
  /** Set once the slot is being terminated or has failed: it takes no more jobs. */
  lostBy?: WorkerPoolError;
  error?: Error;
  exited: Promise<void>;
}

/** Starts a pool (no thread yet: they start with the first jobs). */
export function createWorkerPool(options: WorkerPoolOptions): WorkerPool {
  const { script, size, queueLimit, timeLimitMs, resourceLimits, onWorkerLost } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError('worker pool: size must be an integer ≥ 1');
  const slots = new Set<Slot>();
  const queue: Job[] = [];
  let closed = false;
  let lost = 0;
  let nextJob = 1;

  const finish = (slot: Slot, job: Job): void => {
    clearTimeout(job.timer);
    if (slot.job === job) slot.job = undefined;
  };

  const lose = (slot: Slot, error: WorkerPoolError): void => {
    if (slot.lostBy !== undefined) return;
    slot.lostBy = error;
    const job = slot.job;
    if (job !== undefined) {
      finish(slot, job);
      job.reject(error);
    }
    if (error.reason !== 'CLOSED') {
      lost++;
      onWorkerLost?.(error.reason, error.message);
    }
    void slot.worker.terminate();
  };

  const startTimer = (slot: Slot, job: Job): void => {
    job.timer = setTimeout(
      () => lose(slot, new WorkerPoolError('TIME_LIMIT', `the job ran over the time limit (${timeLimitMs} ms)`)),
      timeLimitMs,
    );
  };

  const onMessage = (slot: Slot, message: FromWorker): void => {
    if (message.type === 'ready') {
      slot.ready = true;
      if (slot.job !== undefined && slot.lostBy === undefined) startTimer(slot, slot.job);
      return;
    }
    const job = slot.job;
    if (job === undefined || message.job !== slot.jobId || slot.lostBy !== undefined) return;
    if (message.type === 'done') {
      finish(slot, job);
      job.resolve(message.value);
      dispatch();
    } else if (message.type === 'failed') {
      finish(slot, job);
      job.reject(job.callError ?? new WorkerTaskError(message.error));
      dispatch();
    } else {
      const handler = job.calls[message.name] as ((args: unknown) => unknown) | undefined;
      const reply = (answer: ToWorker): void => {
        if (slot.job === job && slot.lostBy === undefined) slot.worker.postMessage(answer);
      };
      Promise.resolve()
        .then(() => {
          if (handler === undefined) throw new Error(`worker pool: the job has no call named ${message.name}`);
          return handler(message.args);
        })
        .then(
          (value) => reply({ type: 'reply', call: message.call, value }),
          (error: unknown) => {
            job.callError ??= error;
            reply({ type: 'reply-error', call: message.call, error: serialiseError(error) });
          },
        );
    }
  };

  const spawn = (): Slot => {
    // An empty environment: the process's secrets (a KEK, a token PIN) never reach a worker.
    const worker = new Worker(script, {
      env: { ...options.env },
      ...(resourceLimits === undefined ? {} : { resourceLimits }),
    });
    let exited!: () => void;
    const slot: Slot = { worker, jobId: 0, ready: false, exited: new Promise<void>((resolve) => (exited = resolve)) };
    worker.on('message', (message: FromWorker) => onMessage(slot, message));
    worker.on('error', (error: Error) => {
      slot.error = error;
      const code = (error as { code?: unknown }).code;
      // Out of memory before it served anything: the limit is too small for the module, not for the job.
      if (code === 'ERR_WORKER_OUT_OF_MEMORY' && slot.ready)
        lose(slot, new WorkerPoolError('MEMORY_LIMIT', 'the job went over the worker memory limit', { cause: error }));
    });
    worker.on('exit', (exitCode) => {
      slots.delete(slot);
      lose(
        slot,
        new WorkerPoolError(
          closed ? 'CLOSED' : 'WORKER_EXITED',
          `the worker exited (code ${exitCode})${slot.error === undefined ? '' : `: ${slot.error.message}`}`,
          { cause: slot.error },
        ),
      );
      exited();
      if (!closed) dispatch();
    });
    slots.add(slot);
    return slot;
  };

  const start = (slot: Slot, job: Job): void => {
    slot.job = job;
    slot.jobId = nextJob++;
    if (slot.ready) startTimer(slot, job);
    const message: ToWorker = { type: 'run', job: slot.jobId, task: job.task, input: job.input };
    try {
      slot.worker.postMessage(message);
    } catch (error) {
      finish(slot, job);
      job.reject(error);
    }
  };

  const dispatch = (): void => {
    while (queue.length > 0 && !closed) {
      let idle: Slot | undefined;
      for (const slot of slots) if (slot.job === undefined && slot.lostBy === undefined) idle = slot;
      if (idle === undefined && slots.size < size) idle = spawn();
      if (idle === undefined) return;
      start(idle, queue.shift()!);
    }
  };

  return {
    run<T>(task: string, input: unknown, calls: WorkerCalls = {}): Promise<T> {
      if (closed) return Promise.reject(new WorkerPoolError('CLOSED', 'the worker pool is closed'));
      return new Promise<T>((resolve, reject) => {
        const job: Job = { task, input, calls, resolve, reject };
        queue.push(job);
        dispatch();
        // Still waiting, and more are waiting than the queue holds: refused now rather than late.
        if (queue.length > queueLimit && queue.at(-1) === job) {
          queue.pop();
          reject(new WorkerPoolError('QUEUE_FULL', `every worker is busy and ${queueLimit} job(s) are waiting`));
        }
      });
    },
    stats: () => ({
      threads: slots.size,
      busy: [...slots].filter((s) => s.job !== undefined).length,
      queued: queue.length,
      lost,
    }),
    async close() {
      if (closed) return;
      closed = true;
      for (const job of queue.splice(0)) job.reject(new WorkerPoolError('CLOSED', 'the worker pool closed'));
      const exits = [...slots].map((slot) => slot.exited);
      for (const slot of slots) lose(slot, new WorkerPoolError('CLOSED', 'the worker pool closed'));
      await Promise.all(exits);
    },
  };
}

/**
 * Gauges of a pool on an app's registry (`app.metrics.registry`), read at each scrape:
 * `<prefix>_worker_threads`, `<prefix>_workers_busy`, `<prefix>_jobs_queued` and
 * `<prefix>_workers_lost` (terminated over a limit or crashed, since the start).
 */
export function workerPoolMetrics(registry: Registry, pool: WorkerPool, prefix: string): void {
  const gauge = (name: string, help: string, read: (s: WorkerPoolStats) => number): void => {
    new Gauge({
      name: `${prefix}_${name}`,
      help,
      registers: [registry],
      collect() {
        this.set(read(pool.stats()));
      },
    });
  };
  gauge('worker_threads', 'Worker threads alive.', (s) => s.threads);
  gauge('workers_busy', 'Worker threads running a job.', (s) => s.busy);
  gauge('jobs_queued', 'Jobs waiting for a worker thread.', (s) => s.queued);
  gauge('workers_lost', 'Worker threads terminated over a limit or crashed since the start.', (s) => s.lost);
}
