/** A service's entry point as a process (intake's): config errors, start-up on the real database, graceful shutdown. */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { testAuthEnv } from '../support/auth.ts';
import { testEnv } from '../support/env.ts';

const entry = fileURLToPath(new URL('../../services/intake/src/server.ts', import.meta.url));
const baseEnv = {
  PATH: process.env.PATH ?? '',
  ...testAuthEnv,
  LIENTHONG_MODE: 'embedded',
  LIENTHONG_DATABASE_URL: testEnv.databaseUrl,
  LIENTHONG_STORAGE_DIR: '/tmp/lienthong-test',
};

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function start(env: Record<string, string>): Run {
  const child = spawn(process.execPath, [entry], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
  });
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return { child, stdout: () => out, stderr: () => err, exit };
}

/** Resolves with `promise` or rejects after `ms` (a bound, not a timing assertion). */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result in ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

void t.test('a bad variable: exit code 1 and exactly one stderr line naming it', async (t) => {
  const run = start({ ...baseEnv, LIENTHONG_PORT: 'abc' });
  const { code } = await within(run.exit, 30_000, 'exit');
  t.equal(code, 1);
  const lines = run
    .stderr()
    .split('\n')
    .filter((line) => line !== '');
  t.same(lines, ['config: LIENTHONG_PORT must be an integer 1-65535 (got "abc")']);
  t.equal(run.stdout(), '', 'nothing else printed');
});

void t.test('a missing variable for the mode: exit code 1, one line', async (t) => {
  const run = start({
    PATH: baseEnv.PATH,
    ...testAuthEnv,
    LIENTHONG_MODE: 'embedded',
    LIENTHONG_DATABASE_URL: baseEnv.LIENTHONG_DATABASE_URL,
  });
  const { code } = await within(run.exit, 30_000, 'exit');
  t.equal(code, 1);
  t.same(run.stderr().trim().split('\n'), ['config: LIENTHONG_STORAGE_DIR is required when LIENTHONG_MODE=embedded']);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  void t.test(`starts on a free port, serves, and exits 0 on ${signal}`, async (t) => {
    const port = await freePort();
    const run = start({ ...baseEnv, LIENTHONG_PORT: String(port), LIENTHONG_SHUTDOWN_TIMEOUT_MS: '5000' });
    t.teardown(() => {
      if (run.child.exitCode === null) run.child.kill('SIGKILL');
    });
    await within(
      new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (run.stdout().includes('listening on')) resolve();
          else if (run.child.exitCode !== null) reject(new Error(`exited early: ${run.stderr()}`));
          else setTimeout(check, 50);
        };
        check();
      }),
      30_000,
      'listening',
    );
    t.match(run.stdout(), `intake listening on http://127.0.0.1:${port} (docs at /docs)`);
    const res = await fetch(`http://127.0.0.1:${port}/healthz`);
    t.equal(res.status, 200);
    t.same(await res.json(), { status: 'ok' });

    run.child.kill(signal);
    const { code } = await within(run.exit, 15_000, 'exit after signal');
    t.equal(code, 0);
    t.match(run.stdout(), 'intake stopped');
    t.equal(run.stderr(), '', 'no warnings or errors');
  });
}
