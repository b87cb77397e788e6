/**
 * Brings the real PostgreSQL, Kafka and MinIO up through `infra/local` and returns the
 * `LIENTHONG_TEST_*` variables it wrote, for the test and benchmark runners.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const root = join(import.meta.dirname, '..', '..');

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command from the project root with inherited stderr; stdout is echoed and, when asked, captured. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    child.on('error', (error) => resolve({ code: 127, output: String(error) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), output }));
  });
}

/** Parses the `export NAME=value` lines that `infra/local up` writes to `.data/infra/env`. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (match?.[1] !== undefined && match[2] !== undefined) env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
  }
  return env;
}

/** `infra/local up` (idempotent), then the variables that name the running services. */
export async function startInfra(env: NodeJS.ProcessEnv): Promise<Record<string, string>> {
  const result = await run('bash', [join(root, 'infra/local'), 'up'], env);
  if (result.code !== 0) throw new Error('infra/local up failed; `infra/local status` names the log files');
  return parseEnvFile(readFileSync(join(root, '.data/infra/env'), 'utf8'));
}
