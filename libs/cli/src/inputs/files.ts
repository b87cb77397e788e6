import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/** A file system error in words: no such file, is a directory, permission denied, or its message. */
export function fileErrorReason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Reads a whole input file (relative to the working directory). */
export function readInput(io: CliIo, path: string): Uint8Array {
  try {
    return new Uint8Array(readFileSync(resolve(io.cwd, path)));
  } catch (e) {
    throw new CliError('FILE_NOT_READABLE', `${path}: ${fileErrorReason(e)}.`, { cause: e });
  }
}

/** True when the bytes look like PEM text (RFC 7468) rather than DER. */
export function isPemText(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64 * 1024))
    .toString('latin1')
    .includes('-----BEGIN ');
}

/** Checks that none of `paths` exists yet (unless `overwrite`), so that a key is never replaced by accident. */
export function assertWritable(io: CliIo, paths: readonly string[], overwrite: boolean): void {
  if (overwrite) return;
  for (const p of paths) {
    if (existsSync(resolve(io.cwd, p)))
      throw new CliError('OUTPUT_EXISTS', `${p} exists already; remove it or pass --force.`);
  }
}

/** Writes an output file, creating its folder; `secret` files get mode 0600. */
export function writeOutput(io: CliIo, path: string, data: string | Uint8Array, secret = false): void {
  const full = resolve(io.cwd, path);
  try {
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, data, { mode: secret ? 0o600 : 0o644 });
  } catch (e) {
    throw new CliError('OUTPUT_NOT_WRITABLE', `${path}: ${fileErrorReason(e)}.`, { cause: e });
  }
}
