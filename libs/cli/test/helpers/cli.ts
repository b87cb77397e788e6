// Runs the lienthong command line as a user does: a separate Node process on src/main.ts.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const MAIN = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
export const PROJECT_ROOT = join(import.meta.dirname, '..', '..', '..', '..');

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `lienthong ARGS` in `cwd` with only the environment given (the CLI reads nothing else). */
export function lienthong(cwd: string, args: readonly string[], env: Record<string, string> = {}): CliRun {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd,
    encoding: 'utf8',
    env: { LANG: 'C.UTF-8', ...env },
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/**
 * Runs `lienthong ARGS` in `cwd` as a separate process without blocking this one (a service
 * app in this process answers it; several may run side by side).
 */
export function lienthongAsync(
  cwd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env: { LANG: 'C.UTF-8', ...env } }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `lienthong ARGS` in `cwd` with `env`, writing `stdin` (default nothing) to its standard input, without blocking. */
export function lienthongWithInput(
  cwd: string,
  args: readonly string[],
  env: Record<string, string>,
  stdin = '',
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { cwd, env: { LANG: 'C.UTF-8', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
