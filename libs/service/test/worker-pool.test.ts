import t from 'tap';
import { createWorkerPool, WorkerPoolError, WorkerTaskError, type WorkerPoolOptions } from '../src/index.ts';

const script = new URL('./fixtures/pool-worker.ts', import.meta.url);
// Workers get no environment by default; tap's own switch (coverage off) must reach them, or
// their coverage is collected and the run fails on it.
const testRunnerEnv: Record<string, string> = Object.fromEntries(
  Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('_TAPJS_')),
);

function pool(options: Partial<WorkerPoolOptions> = {}) {
  return createWorkerPool({ script, size: 1, queueLimit: 4, timeLimitMs: 10_000, env: testRunnerEnv, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<WorkerPoolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof WorkerPoolError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

void t.test('a job runs on a worker thread and its result comes back cloned', async (t) => {
  const p = pool();
  t.teardown(() => p.close());
  t.equal(p.stats().threads, 0, 'no thread before the first job');
  const at = new Date('2026-12-01T00:00:00Z');
  t.same(await p.run('echo', { at, bytes: new Uint8Array([1, 2]) }), { at, bytes: new Uint8Array([1, 2]) });
  t.not(await p.run('threadId', null), 0, 'not the main thread');
  process.env.LIENTHONG_POOL_TEST_SECRET = 'not for workers';
  t.teardown(() => void delete process.env.LIENTHONG_POOL_TEST_SECRET);
  const keys = await p.run<string[]>('env', null);
  // (tap's own loaders, inherited through execArgv, set their variables in the worker.)
  t.same(
    keys.filter((k) => !k.startsWith('_TAPJS_')),
    [],
    "the worker's environment is empty: no secret of the process reaches it",
  );
  t.equal(p.stats().threads, 1);
});

void t.test("a task's error comes back with its name, message, code and data", async (t) => {
  const p = pool();
  t.teardown(() => p.close());
  const error = await p.run('fail', null).catch((e: unknown) => e);
  t.ok(error instanceof WorkerTaskError);
  t.match(error, {
    name: 'RangeError',
    message: 'no such thing',
    code: 'NO_SUCH_THING',
    detail: 'not here',
    data: { where: 'here' },
  });
  t.equal(await p.run('echo', 1), 1, 'the worker still serves');
});

void t.test('a job over the time limit is refused, its worker terminated and replaced', async (t) => {
  const lostReasons: string[] = [];
  const p = pool({ timeLimitMs: 200, onWorkerLost: (reason) => lostReasons.push(reason) });
  t.teardown(() => p.close());
  const first = await p.run<number>('threadId', null);
  const error = await refusal(p.run('spin', null));
  t.equal(error.reason, 'TIME_LIMIT');
  t.match(error.message, /time limit \(200 ms\)/);
  const next = await p.run<number>('threadId', null);
  t.not(next, first, 'a fresh worker');
  t.same(lostReasons, ['TIME_LIMIT']);
  t.equal(p.stats().lost, 1);
});

void t.test('a job over the memory limit is refused and its worker replaced', async (t) => {
  const p = pool({ resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
  t.teardown(() => p.close());
  const first = await p.run<number>('threadId', null);
  const error = await refusal(p.run('hoard', null));
  t.equal(error.reason, 'MEMORY_LIMIT');
  t.not(await p.run<number>('threadId', null), first, 'a fresh worker');
});

void t.test('a worker that exits fails its job and is replaced', async (t) => {
  const p = pool();
  t.teardown(() => p.close());
  const error = await refusal(p.run('exit', null));
  t.equal(error.reason, 'WORKER_EXITED');
  t.match(error.message, /code 3/);
  t.equal(await p.run('echo', 'again'), 'again');
});

void t.test('jobs wait for a busy worker up to the queue limit; beyond it, QUEUE_FULL at once', async (t) => {
  const p = pool({ queueLimit: 1, timeLimitMs: 300 });
  t.teardown(() => p.close());
  const spinning = refusal(p.run('spin', null));
  const waiting = p.run('echo', 'waited');
  const refused = await refusal(p.run('echo', 'no room'));
  t.equal(refused.reason, 'QUEUE_FULL');
  t.equal((await spinning).reason, 'TIME_LIMIT');
  t.equal(await waiting, 'waited', 'the queued job ran once the spinning worker was replaced');
});

void t.test('a queue limit of 0 still runs a job on a free worker', async (t) => {
  const p = pool({ queueLimit: 0, size: 2 });
  t.teardown(() => p.close());
  t.same(await Promise.all([p.run('echo', 1), p.run('echo', 2)]), [1, 2]);
});

void t.test('a worker asks the main thread through the job’s calls, and gets its errors', async (t) => {
  const p = pool();
  t.teardown(() => p.close());
  const signed = await p.run('sign', { data: 'abc' }, { sign: (data: string) => `signed(${data})` });
  t.same(signed, { signature: 'signed(abc)' });
  class KeyLocked extends Error {}
  const locked = new KeyLocked('locked');
  const error = await p
    .run(
      'sign',
      { data: 'abc' },
      {
        sign: () => {
          throw locked;
        },
      },
    )
    .catch((e: unknown) => e);
  t.equal(error, locked, "the main thread's own error, not a copy");
  const missing = await p.run('callMissing', null).catch((e: unknown) => e);
  t.match(missing, { message: /no call named nothing/ });
});

void t.test('close refuses waiting jobs, ends running ones and leaves no thread', async (t) => {
  const p = pool({ size: 1, queueLimit: 2 });
  await p.run('echo', 0);
  const running = refusal(p.run('spin', null));
  const waiting = refusal(p.run('echo', 1));
  await p.close();
  t.equal((await running).reason, 'CLOSED');
  t.equal((await waiting).reason, 'CLOSED');
  t.same(p.stats(), { threads: 0, busy: 0, queued: 0, lost: 0 });
  t.equal((await refusal(p.run('echo', 2))).reason, 'CLOSED');
});
