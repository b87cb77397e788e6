/**
 * Reading an evidence bundle from a folder for `lienthong verify DIR`: the manifest first,
 * then each file it lists within a size bound for its role; links are not followed and files
 * the manifest does not list are not read (they are reported as unlisted). Every file found
 * is either read or named with why it was not, so the verifier sees the whole folder.
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  MANIFEST_PATH,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_ENTRIES,
  parseManifest,
  type BundleRole,
} from '@lienthong/evidence';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { fileErrorReason } from './files.ts';

/** Most bytes read of a file of each role: the document may be large, the rest is small. */
export const bundleFileLimits: Readonly<Record<BundleRole, number>> = {
  document: 512 * 1024 * 1024,
  evidence: 1024 * 1024,
  proof: 4096,
  timestamp: 256 * 1024,
  certificate: 1024 * 1024,
  crl: 16 * 1024 * 1024,
  ocsp: 1024 * 1024,
};

/** Folders deeper than this are not walked (a bundle's paths have at most four segments). */
const MAX_DEPTH = 4;

/** What was found in the folder: bytes by path, and why the others were not read. */
export interface BundleFiles {
  readonly files: Map<string, Uint8Array>;
  readonly unreadable: Map<string, string>;
}

/** Every entry under `root` by its `/`-separated relative path: `'file'`, or why it is not read; at most `limit`. */
function walk(root: string, limit: number): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (dir: string, prefix: string, depth: number): void => {
    for (const name of readdirSync(dir).sort()) {
      if (found.size >= limit)
        throw new CliError(
          'BAD_BUNDLE',
          `${root}: more than ${limit} entries; a bundle lists at most ${MAX_MANIFEST_ENTRIES} files.`,
        );
      const path = prefix === '' ? name : `${prefix}/${name}`;
      const stat = lstatSync(join(dir, name));
      if (stat.isSymbolicLink()) found.set(path, 'a symbolic link (not followed)');
      else if (stat.isDirectory()) {
        if (depth < MAX_DEPTH) visit(join(dir, name), path, depth + 1);
        else found.set(path, `a folder deeper than ${MAX_DEPTH} levels (not walked)`);
      } else if (stat.isFile()) found.set(path, 'file');
      else found.set(path, 'not a regular file');
    }
  };
  visit(root, '', 1);
  return found;
}

function readBounded(full: string, limit: number): Uint8Array | string {
  try {
    const size = lstatSync(full).size;
    if (size > limit) return `${size} bytes, over the ${limit} read for its role`;
    return new Uint8Array(readFileSync(full));
  } catch (e) {
    return fileErrorReason(e);
  }
}

/**
 * Reads the bundle in folder `dir`. Throws CliError FILE_NOT_READABLE when `dir` cannot be
 * listed, BAD_BUNDLE when it holds more entries than a bundle may list.
 */
export function readBundleFolder(io: CliIo, dir: string): BundleFiles {
  const root = resolve(io.cwd, dir);
  let entries: Map<string, string>;
  try {
    entries = walk(root, MAX_MANIFEST_ENTRIES + 16);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('FILE_NOT_READABLE', `${dir}: ${fileErrorReason(e)}.`, { cause: e });
  }
  const files = new Map<string, Uint8Array>();
  const unreadable = new Map<string, string>();
  const take = (path: string, limit: number): void => {
    const kind = entries.get(path);
    if (kind === undefined) return;
    if (kind !== 'file') {
      unreadable.set(path, kind);
      return;
    }
    const read = readBounded(join(root, ...path.split('/')), limit);
    if (typeof read === 'string') unreadable.set(path, read);
    else files.set(path, read);
  };
  take(MANIFEST_PATH, MAX_MANIFEST_BYTES);
  const manifest = files.get(MANIFEST_PATH);
  let roles = new Map<string, BundleRole>();
  if (manifest !== undefined) {
    try {
      roles = new Map(parseManifest(manifest).files.map((f) => [f.path, f.role]));
    } catch {
      // The verifier reports why the manifest is not usable; the other files are not read.
    }
  }
  for (const [path, role] of roles) take(path, bundleFileLimits[role]);
  for (const [path, kind] of entries)
    if (!files.has(path) && !unreadable.has(path))
      unreadable.set(path, kind === 'file' ? 'not listed in the manifest (not read)' : kind);
  return { files, unreadable };
}
