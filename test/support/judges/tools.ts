/**
 * Finding and running the outside judges: `infra/local up` installs them (infra/lib/tools.sh)
 * and names most in `LIENTHONG_TEST_*` variables; without those a tool is looked up on PATH
 * (pyHanko: in the infra cache). A test that needs a tool skips with `skipUnless(...)`.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

const env = process.env;

/** The tools this module drives. */
export type JudgeTool =
  | 'pdfsig'
  | 'pdftotext'
  | 'pdffonts'
  | 'pdftoppm'
  | 'qpdf'
  | 'pyhanko'
  | 'openssl'
  | 'softhsm2-util'
  | 'pkcs11-tool'
  | 'bagit.py';

/** pyHanko version infra/lib/tools.sh installs (its cache folder is named for it). */
export const PYHANKO_VERSION = '0.38.0';

/** bagit-python version looked for in the infra cache (`<cache>/bagit-<version>`, a venv like pyHanko's). */
export const BAGIT_VERSION = '1.9.0';

const ENV_NAMES: Record<JudgeTool, string> = {
  pdfsig: 'LIENTHONG_TEST_PDFSIG',
  pdftotext: 'LIENTHONG_TEST_PDFTOTEXT',
  pdffonts: 'LIENTHONG_TEST_PDFFONTS',
  pdftoppm: 'LIENTHONG_TEST_PDFTOPPM',
  qpdf: 'LIENTHONG_TEST_QPDF',
  pyhanko: 'LIENTHONG_TEST_PYHANKO',
  openssl: 'LIENTHONG_TEST_OPENSSL',
  'softhsm2-util': 'LIENTHONG_TEST_SOFTHSM2_UTIL',
  'pkcs11-tool': 'LIENTHONG_TEST_PKCS11_TOOL',
  'bagit.py': 'LIENTHONG_TEST_BAGIT',
};

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(command: string): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir !== '' && isExecutable(join(dir, command))) return join(dir, command);
  }
  return undefined;
}

function infraCache(): string {
  return env.LIENTHONG_CACHE ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'lienthong');
}

/** Absolute path of a tool: its `LIENTHONG_TEST_*` variable, else PATH (pyHanko, bagit.py: else the infra cache); undefined when absent. */
export function toolPath(name: JudgeTool): string | undefined {
  const fromEnv = env[ENV_NAMES[name]];
  if (fromEnv !== undefined && fromEnv !== '') return isExecutable(fromEnv) ? fromEnv : undefined;
  const found = onPath(name);
  if (found !== undefined) return found;
  const cached =
    name === 'pyhanko'
      ? join(infraCache(), `pyhanko-${PYHANKO_VERSION}`, 'bin', 'pyhanko')
      : name === 'bagit.py'
        ? join(infraCache(), `bagit-${BAGIT_VERSION}`, 'bin', 'bagit.py')
        : undefined;
  return cached !== undefined && isExecutable(cached) ? cached : undefined;
}

/** True when the tool can be run. */
export function hasTool(name: JudgeTool): boolean {
  return toolPath(name) !== undefined;
}

/** For `t.test(name, { skip: skipUnless('pdfsig') }, ...)`: false when every tool is there, else the reason to skip. */
export function skipUnless(...names: JudgeTool[]): string | false {
  const missing = names.filter((n) => !hasTool(n));
  if (missing.length === 0) return false;
  return `missing ${missing.join(', ')} (installed by 'infra/local up'; or set ${missing.map((n) => ENV_NAMES[n]).join(', ')})`;
}

/** The SoftHSM2 PKCS#11 module (`LIENTHONG_TEST_SOFTHSM_MODULE`, default Debian's path); undefined when the file is absent. */
export function softhsmModule(): string | undefined {
  const path = env.LIENTHONG_TEST_SOFTHSM_MODULE || '/usr/lib/softhsm/libsofthsm2.so';
  try {
    accessSync(path, constants.R_OK);
    return path;
  } catch {
    return undefined;
  }
}

/** Exit code and both output streams of one tool run. */
export interface ToolRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a judge with arguments (no shell); never rejects on a non-zero exit. */
export function runTool(
  name: JudgeTool,
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<ToolRun> {
  const path = toolPath(name);
  if (path === undefined) return Promise.reject(new Error(skipUnless(name) || `missing ${name}`));
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, { cwd: options.cwd, env: options.env ?? env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}
