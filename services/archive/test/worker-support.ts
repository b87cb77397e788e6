/**
 * The archive's worker threads for tests that call the ingest or the renewal without an app:
 * one pool per test file, closed at its end, the test runner's switches passed to the threads.
 */
import type { Test } from 'tap';
import type { WorkerConfig } from '../src/config.ts';
import { createArchiveWorkers, type ArchiveWorkers } from '../src/workers/archive-workers.ts';

/** The test runner's own variables (tap's `_TAPJS_*`), for the threads' otherwise empty environment. */
export const testRunnerEnv: Readonly<Record<string, string>> = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('_TAPJS_')),
);

/** The defaults of README "Workers" with one thread. */
export const testWorkerConfig: WorkerConfig = { size: 1, memoryMb: 512, timeLimitMs: 300_000, queueLimit: 16 };

/** A pool for this test file (closed at its end); `script` another worker module serving the same tasks. */
export function testWorkers(t: Test, config: Partial<WorkerConfig> = {}, script?: URL): ArchiveWorkers {
  const workers = createArchiveWorkers(
    { ...testWorkerConfig, ...config },
    { env: testRunnerEnv, ...(script === undefined ? {} : { script }) },
  );
  t.teardown(() => workers.pool.close());
  return workers;
}
