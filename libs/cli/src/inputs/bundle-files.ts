/**
 * Reading an evidence bundle from a folder for `lienthong verify DIR`: the manifest first,
 * then each file it lists within a size bound for its role; the document (PDF) is hashed as a
 * stream, never read whole (its verifier streams it again); links are not followed and files
 * the manifest does not list are not read (they are reported as unlisted). Every file found
 * is either read or named with why it was not, so the verifier sees the whole folder.
 */
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  MANIFEST_PATH,
  MAX_MANIFEST_BYTES,
  MAX_MANIFEST_ENTRIES,
  parseManifest,
  type BundleRole,
  type HashedFile,
} from '@lienthong/evidence';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { fileErrorReason } from './files.ts';

/** Most bytes read of a file of each role (the document is streamed, never held: its bound is on hashing). */
export const bundleFileLimits: Readonly<Record<BundleRole, number>> = {
  document: 4 * 1024 * 1024 * 1024,
  evidence: 1024 * 1024,
  proof: 4096,
  timestamp: 256 * 1024,
  certificate: 1024 * 1024,
  crl: 16 * 1024 * 1024,
  ocsp: 1024 * 1024,
};

/** Folders deeper than this are not walked (a bundle's paths have at most four segments). */
const MAX_DEPTH = 4;

/** What was found in the folder: bytes (the document: its hash) by path, and why the others were not read. */
export interface BundleFiles {
  /** The folder, resolved: where the document verifier opens the document. */
  readonly root: string;
  readonly files: Map<string, Uint8Array | HashedFile>;
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

async function readBounded(full: string, limit: number, streamed: boolean): Promise<Uint8Array | HashedFile | string> {
  try {
    const size = lstatSync(full).size;
    if (size > limit) return `${size} bytes, over the ${limit} read for its role`;
    if (!streamed) return new Uint8Array(readFileSync(full));
    const hash = createHash('sha256');
    let length = 0;
    for await (const chunk of createReadStream(full, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      length += chunk.length;
    }
    return { sha256: hash.digest('hex'), length };
  } catch (e) {
    return fileErrorReason(e);
  }
}

/**
 * Reads the bundle in folder `dir`. Throws CliError FILE_NOT_READABLE when `dir` cannot be
 * listed, BAD_BUNDLE when it holds more entries than a bundle may list.
 */
export async function readBundleFolder(io: CliIo, dir: string): Promise<BundleFiles> {
  const root = resolve(io.cwd, dir);
  let entries: Map<string, string>;
  try {
    entries = walk(root, MAX_MANIFEST_ENTRIES + 16);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError('FILE_NOT_READABLE', `${dir}: ${fileErrorReason(e)}.`, { cause: e });
  }
  const files = new Map<string, Uint8Array | HashedFile>();
  const unreadable = new Map<string, string>();
  const take = async (path: string, limit: number, streamed = false): Promise<void> => {
    const kind = entries.get(path);
    if (kind === undefined) return;
    if (kind !== 'file') {
      unreadable.set(path, kind);
      return;
    }
    const read = await readBounded(join(root, ...path.split('/')), limit, streamed);
    if (typeof read === 'string') unreadable.set(path, read);
    else files.set(path, read);
  };
  await take(MANIFEST_PATH, MAX_MANIFEST_BYTES);
  const manifest = files.get(MANIFEST_PATH);
  let roles = new Map<string, BundleRole>();
  if (manifest instanceof Uint8Array) {
    try {
      roles = new Map(parseManifest(manifest).files.map((f) => [f.path, f.role]));
    } catch {
      // The verifier reports why the manifest is not usable; the other files are not read.
    }
  }
  for (const [path, role] of roles) await take(path, bundleFileLimits[role], role === 'document');
  for (const [path, kind] of entries)
    if (!files.has(path) && !unreadable.has(path))
      unreadable.set(path, kind === 'file' ? 'not listed in the manifest (not read)' : kind);
  return { root, files, unreadable };
}
