import { createHash, randomBytes } from 'node:crypto';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ObjectInfo, Retention, RetentionMode } from './types.ts';

/**
 * On-disk layout of the folder store. Nothing the caller names becomes a path except a
 * validated bucket name; a key becomes the hex SHA-256 of its bytes, so no key can reach
 * outside the folder, whatever it holds.
 *
 *   <dir>/buckets/<bucket>/bucket.json                  { versioning, objectLocking }
 *   <dir>/buckets/<bucket>/objects/<sha256(key)>/key     the key itself (for listing)
 *   <dir>/buckets/<bucket>/objects/<sha256(key)>/<version>.json   the sidecar (exists = the version exists)
 *   <dir>/buckets/<bucket>/objects/<sha256(key)>/<version>.bin    the bytes
 */
export interface FolderPaths {
  bucketDir: string;
  bucketFile: string;
  objectsDir: string;
}

export function bucketPaths(dir: string, bucket: string): FolderPaths {
  const bucketDir = join(dir, 'buckets', bucket);
  return { bucketDir, bucketFile: join(bucketDir, 'bucket.json'), objectsDir: join(bucketDir, 'objects') };
}

export function objectDir(paths: FolderPaths, key: string): string {
  return join(paths.objectsDir, createHash('sha256').update(key, 'utf8').digest('hex'));
}

export interface BucketSettings {
  versioning: boolean;
  objectLocking: boolean;
}

/** What the folder store keeps for one version, next to its bytes. */
export interface Sidecar {
  key: string;
  versionId: string;
  isDeleteMarker: boolean;
  size: number;
  sha256: string;
  contentType: string;
  metadata: Record<string, string>;
  lastModified: Date;
  retention?: Retention | undefined;
  legalHold: boolean;
}

interface SidecarJson extends Omit<Sidecar, 'lastModified' | 'retention'> {
  lastModified: string;
  retention?: { mode: RetentionMode; retainUntil: string } | undefined;
}

export function encodeSidecar(s: Sidecar): string {
  const json: SidecarJson = {
    ...s,
    lastModified: s.lastModified.toISOString(),
    retention: s.retention && { mode: s.retention.mode, retainUntil: s.retention.retainUntil.toISOString() },
  };
  return JSON.stringify(json, null, 1);
}

export function decodeSidecar(text: string): Sidecar {
  const json = JSON.parse(text) as SidecarJson;
  return {
    ...json,
    lastModified: new Date(json.lastModified),
    retention: json.retention && { mode: json.retention.mode, retainUntil: new Date(json.retention.retainUntil) },
  };
}

/** Reads a JSON-ish file, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
}

/** A temp file name in `dir`, ignored by listings (starts with a dot). */
export function tempName(dir: string): string {
  return join(dir, `.tmp-${randomBytes(8).toString('hex')}`);
}

/** Writes a small file atomically: temp file, fsync, rename, fsync of the folder. */
export async function writeFileAtomic(path: string, dir: string, content: string): Promise<void> {
  const temp = tempName(dir);
  const handle = await open(temp, 'wx');
  try {
    await handle.writeFile(content, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

/** fsync of a folder, so a rename in it survives a crash (POSIX rename(2) + fsync(2)). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Version ids present in an object folder, newest first. */
export async function versionIds(where: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(where);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
  return names
    .filter((n) => n.endsWith('.json'))
    .map((n) => n.slice(0, -5))
    .sort()
    .reverse();
}

/** The `ObjectInfo` a sidecar describes. */
export function toInfo(s: Sidecar): ObjectInfo {
  return {
    key: s.key,
    versionId: s.versionId,
    size: s.size,
    contentType: s.contentType,
    metadata: { ...s.metadata },
    lastModified: s.lastModified,
  };
}
