// External judges of the PDFs we write: poppler's pdfsig, qpdf --check, openssl cms -verify.
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface JudgeResult {
  ok: boolean;
  out: string;
}

async function exec(cmd: string, args: readonly string[]): Promise<JudgeResult> {
  try {
    const r = await run(cmd, args, { maxBuffer: 64 * 1024 * 1024 });
    return { ok: true, out: `${r.stdout}${r.stderr}` };
  } catch (e) {
    const x = e as { stdout?: string; stderr?: string; message: string };
    return { ok: false, out: `${x.stdout ?? ''}${x.stderr ?? ''}${x.message}` };
  }
}

export async function have(cmd: string): Promise<boolean> {
  return (await exec('sh', ['-c', `command -v ${cmd}`])).ok;
}

export const pdfsig = (file: string): Promise<JudgeResult> => exec('pdfsig', [file]);
export const qpdfCheck = (file: string): Promise<JudgeResult> => exec('qpdf', ['--check', file]);

/** `openssl cms -verify` of a detached CMS over the ByteRange bytes, against a root. */
export async function opensslCmsVerify(dir: string, cms: Uint8Array, content: Uint8Array, rootPem: string): Promise<JudgeResult> {
  const sig = join(dir, 'sig.p7s');
  const data = join(dir, 'signed.bin');
  writeFileSync(sig, cms);
  writeFileSync(data, content);
  return exec('openssl', ['cms', '-verify', '-binary', '-inform', 'DER', '-in', sig, '-content', data, '-CAfile', rootPem, '-purpose', 'any', '-attime', String(Date.parse('2026-06-01T00:00:00Z') / 1000), '-out', join(dir, 'out.bin')]);
}

/** pyHanko from the project's venv (~/.cache/lienthong/pyhanko-*), if a helper installed it; never required. */
export function pyhankoPath(): string | undefined {
  const base = join(homedir(), '.cache', 'lienthong');
  if (!existsSync(base)) return undefined;
  const venv = readdirSync(base).find((d) => d.startsWith('pyhanko'));
  const bin = venv === undefined ? undefined : join(base, venv, 'bin', 'pyhanko');
  return bin !== undefined && existsSync(bin) ? bin : undefined;
}

/** `pyhanko sign validate` summary lines (field:fingerprint:STATUS...). */
export async function pyhankoValidate(bin: string, file: string, rootPem: string): Promise<JudgeResult> {
  return exec(bin, ['sign', 'validate', '--no-revocation-check', '--trust', rootPem, '--validation-time', '2026-06-01T00:00:00', file]);
}
