/**
 * Unpacks a POSIX ustar archive read as a stream into a folder, refusing what an archive from
 * a server must never do to the disk: regular files only (no links, devices, pax or GNU
 * extension headers), relative paths of plain segments (no leading `/`, no `..`, `.` or empty
 * segment, no backslash or control character), no file twice, each header's checksum right.
 * Directories are made as the files' paths need them. Memory holds one block and one chunk.
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

/** Why an archive was refused. */
export class TarRefused extends Error {}

const block = 512;

function text(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(header: Buffer, offset: number, length: number, what: string): number {
  const digits = text(header, offset, length).trim();
  if (!/^[0-7]{1,12}$/.test(digits)) throw new TarRefused(`a tar header's ${what} is not octal digits`);
  return parseInt(digits, 8);
}

// eslint-disable-next-line no-control-regex -- control characters are what it refuses
const controls = /[\u0000-\u001f\u007f]/;

/** `path` checked as a relative path of plain segments. */
export function checkEntryPath(path: string): string {
  if (path === '' || path.startsWith('/') || path.includes('\\') || controls.test(path))
    throw new TarRefused(`the tar entry ${JSON.stringify(path)} is not a relative path`);
  const segments = path.split('/');
  if (segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new TarRefused(`the tar entry ${JSON.stringify(path)} has an empty, . or .. segment`);
  return path;
}

/** What was unpacked. */
export interface Unpacked {
  files: string[];
  bytes: number;
}

/**
 * Unpacks `source` (the tar's bytes) into `dir` (existing, empty); `onBytes` hears the bytes
 * read so far. Throws TarRefused for an archive that breaks the rules above or ends early.
 */
export async function extractTar(
  source: AsyncIterable<Uint8Array>,
  dir: string,
  onBytes: (read: number) => void = () => {},
): Promise<Unpacked> {
  const root = resolve(dir);
  const files: string[] = [];
  const seen = new Set<string>();
  let pending = Buffer.alloc(0);
  let read = 0;
  let current: { out: ReturnType<typeof createWriteStream>; left: number; pad: number } | undefined;
  let zeros = 0;
  let ended = false;

  async function header(h: Buffer): Promise<void> {
    if (h.every((b) => b === 0)) {
      zeros += 1;
      if (zeros === 2) ended = true;
      return;
    }
    if (zeros > 0) throw new TarRefused('a tar header after an end block');
    let sum = 0;
    for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
    if (octal(h, 148, 8, 'checksum') !== sum) throw new TarRefused('a tar header with a wrong checksum');
    const type = String.fromCharCode(h[156]!);
    if (type !== '0' && type !== '\0')
      throw new TarRefused(`a tar entry of type ${JSON.stringify(type)} (only regular files are taken)`);
    const magic = text(h, 257, 6);
    const prefix = magic === 'ustar' ? text(h, 345, 155) : '';
    const path = checkEntryPath(prefix === '' ? text(h, 0, 100) : `${prefix}/${text(h, 0, 100)}`);
    const size = octal(h, 124, 12, 'size');
    const target = resolve(root, path);
    if (relative(root, target).startsWith('..') || !target.startsWith(root + sep))
      throw new TarRefused(`the tar entry ${JSON.stringify(path)} leaves the folder`);
    if (seen.has(path)) throw new TarRefused(`the tar holds ${JSON.stringify(path)} twice`);
    seen.add(path);
    mkdirSync(dirname(target), { recursive: true });
    const out = createWriteStream(target, { flags: 'wx' });
    await once(out, 'open');
    files.push(path);
    current = { out, left: size, pad: (block - (size % block)) % block };
    if (size === 0) await finishFile();
  }

  async function finishFile(): Promise<void> {
    const out = current!.out;
    out.end();
    await once(out, 'close');
    const pad = current!.pad;
    current = undefined;
    skip = pad;
  }

  let skip = 0;
  for await (const chunk of source) {
    read += chunk.length;
    onBytes(read);
    pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, chunk]);
    while (pending.length > 0 && !ended) {
      if (skip > 0) {
        const n = Math.min(skip, pending.length);
        skip -= n;
        pending = pending.subarray(n);
        continue;
      }
      if (current !== undefined) {
        const n = Math.min(current.left, pending.length);
        if (!current.out.write(pending.subarray(0, n))) await once(current.out, 'drain');
        current.left -= n;
        pending = pending.subarray(n);
        if (current.left === 0) await finishFile();
        continue;
      }
      if (pending.length < block) break;
      await header(pending.subarray(0, block));
      pending = pending.subarray(block);
    }
  }
  if (current !== undefined) {
    current.out.destroy();
    throw new TarRefused('the tar ends in the middle of a file (cut short)');
  }
  if (!ended) throw new TarRefused('the tar has no end blocks (cut short)');
  return { files, bytes: read };
}

/** The path of entry `path` under `dir`. */
export const entryPath = (dir: string, path: string): string => join(dir, ...path.split('/'));
