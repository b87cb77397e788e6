/**
 * The files a signature or an issue works on: a private temporary folder, a document's PDF
 * copied there from the object store (libs/pdf and the signing call read files), and the
 * check that a new version is the one before followed by an incremental update — the
 * first bytes of the answer are exactly the PDF that was sent, so nothing signed or
 * stamped before was changed (ISO 32000-1 §7.5.6).
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { ObjectStore } from '@lienthong/storage';

/** A private temporary folder; `remove` deletes it (idempotent). */
export interface WorkDir {
  path(name: string): string;
  remove(): Promise<void>;
}

/** Makes a private temporary folder for one signature or issue. */
export async function makeWorkDir(): Promise<WorkDir> {
  const dir = await mkdtemp(join(tmpdir(), 'lienthong-intake-issue-'));
  return { path: (name) => join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Copies the object `key` (version `versionId` when given) of `bucket` to the file `path`. */
export async function copyObjectTo(
  store: ObjectStore,
  bucket: string,
  key: string,
  versionId: string | null,
  path: string,
): Promise<void> {
  const { body } = await store.get(bucket, key, versionId === null ? {} : { versionId });
  await pipeline(body, createWriteStream(path, { mode: 0o600 }));
}

/** The SHA-256 and length of a file. */
export async function digestOf(path: string): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

/** What an incremental update was checked against: the PDF sent, by SHA-256 and length. */
export interface Prefix {
  sha256: string;
  size: number;
}

/** Watches an answer's bytes as they arrive: its SHA-256, its length, and whether it starts with `prefix`. */
export function incrementalWatch(prefix: Prefix): {
  onChunk: (chunk: Buffer) => void;
  /** The answer's digest and length, and whether it is `prefix` followed by more bytes. */
  result: () => { sha256: string; size: number; extendsPrefix: boolean };
} {
  const head = createHash('sha256');
  const whole = createHash('sha256');
  let size = 0;
  return {
    onChunk: (chunk) => {
      const wanted = prefix.size - size;
      if (wanted > 0) head.update(chunk.subarray(0, wanted));
      whole.update(chunk);
      size += chunk.length;
    },
    result: () => {
      const extendsPrefix = size > prefix.size && head.digest('hex') === prefix.sha256;
      return { sha256: whole.digest('hex'), size, extendsPrefix };
    },
  };
}
