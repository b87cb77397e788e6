/**
 * The worker side of a worker pool (worker-pool.ts): a worker module calls
 * `serveWorkerTasks({ name: task, … })` once, and the pool runs one job at a time on it. A
 * task may ask the main thread for something only it has (a signature by a key that never
 * leaves it, a time-stamp token) with `context.call(name, args)`. Imported as
 * `@lienthong/service/worker`, without fastify, so that a worker loads only what its tasks need.
 */
import { parentPort } from 'node:worker_threads';
import { serialiseError, type FromWorker, type ToWorker } from './worker-protocol.ts';

/** What a task can do besides computing: ask the main thread. */
export interface WorkerTaskContext {
  /** Runs the job's call handler `name` on the main thread; rejects with its error (name, message, code). */
  call(name: string, args: unknown): Promise<unknown>;
}

/** One kind of job: cloneable input in, cloneable result out. */
export type WorkerTask = (input: never, context: WorkerTaskContext) => unknown;

/** An error that came back from a main-thread call: the original's name, message and code. */
export class WorkerCallError extends Error {
  readonly code: string | undefined;
  constructor(name: string, message: string, code: string | undefined) {
    super(message);
    this.name = name;
    this.code = code;
  }
}

/** Serves `tasks` on this worker thread's port; throws when not in a worker. */
export function serveWorkerTasks(tasks: Readonly<Record<string, WorkerTask>>): void {
  const port = parentPort;
  if (port === null) throw new Error('serveWorkerTasks: not in a worker thread');
  const pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  let nextCall = 1;
  const post = (message: FromWorker): void => port.postMessage(message);
  port.on('message', (message: ToWorker) => {
    if (message.type === 'run') {
      const { job, task, input } = message;
      const run = tasks[task];
      const context: WorkerTaskContext = {
        call: (name, args) =>
          new Promise((resolve, reject) => {
            const call = nextCall++;
            pending.set(call, { resolve, reject });
            post({ type: 'call', job, call, name, args });
          }),
      };
      void (async () => {
        try {
          if (run === undefined) throw new Error(`worker: no task named ${task}`);
          post({
            type: 'done',
            job,
            value: await (run as (i: unknown, c: WorkerTaskContext) => unknown)(input, context),
          });
        } catch (error) {
          post({ type: 'failed', job, error: serialiseError(error) });
        }
      })();
      return;
    }
    const waiting = pending.get(message.call);
    if (waiting === undefined) return;
    pending.delete(message.call);
    if (message.type === 'reply') waiting.resolve(message.value);
    else waiting.reject(new WorkerCallError(message.error.name, message.error.message, message.error.code));
  });
  // The pool counts a job's time from here: a thread's start (loading its modules) is not the job's.
  post({ type: 'ready' });
}
