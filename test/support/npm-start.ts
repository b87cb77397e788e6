/**
 * `npm start` (scripts/start.ts) as a child process for tests: on ports of its own, with a
 * data folder of the test's, resolved once it says it is ready.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { freePort } from './transports.ts';

const script = join(import.meta.dirname, '..', '..', 'scripts', 'start.ts');

/**
 * A base port with five consecutive free loopback ports around it (best effort: checked one
 * by one), below Linux's ephemeral range (32768 up): the services take `base`…`base + 3` and
 * the console `base - 1`; the suite starts twice on them, and in between the connections of
 * tests running beside this one must not be able to take one.
 */
export async function portBase(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const base = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await Promise.all(
      [-1, 0, 1, 2, 3].map(
        (i) =>
          new Promise<boolean>((resolve) => {
            const server = createServer();
            server.once('error', () => resolve(false));
            server.listen(base + i, '127.0.0.1', () => server.close(() => resolve(true)));
          }),
      ),
    );
    if (free.every(Boolean)) return base;
  }
  return (await freePort()) + 1;
}

/**
 * Spawns `npm start` on ports `base`…`base + 3` with `dataDir`: `ready` resolves when it
 * says so (rejects if it exits first or within 90 s), `exited` with its exit code.
 */
export function spawnNpmStart(dataDir: string, base: number) {
  const child = spawn(process.execPath, [script], {
    env: {
      ...process.env,
      LIENTHONG_EMBEDDED_DIR: dataDir,
      LIENTHONG_PORT_BASE: String(base),
      LIENTHONG_LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready within 90 s:\n${output}`)), 90_000);
    child.stdout.on('data', () => {
      if (output.includes('ready in')) {
        clearTimeout(timer);
        resolve();
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${output}`));
    });
  });
  return { child, ready, exited, output: () => output };
}
