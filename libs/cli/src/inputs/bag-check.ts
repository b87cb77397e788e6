/**
 * The check of a BagIt bag (RFC 8493 §3) in a folder: `bagit.txt` of version 1.x; every
 * payload file under `data/` listed in `manifest-sha256.txt` with its SHA-256, every listed
 * file there and hashing so; `Payload-Oxum` of `bag-info.txt` (octets and files) true; each
 * tag file in `tagmanifest-sha256.txt` hashing so. Files are hashed as streams.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pipeline } from 'node:stream/promises';

/** What the check found: the problems (none: the bag is valid) and the payload's size. */
export interface BagCheck {
  valid: boolean;
  problems: string[];
  payloadFiles: number;
  payloadBytes: number;
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(createReadStream(path), hash);
  return hash.digest('hex');
}

function filesUnder(dir: string, root: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, root));
    else out.push(relative(root, full).split(sep).join('/'));
  }
  return out;
}

/** `<sha256> <path>` lines of a manifest, keyed by path; problems for lines that are not. */
function readManifest(path: string, problems: string[]): Map<string, string> {
  const sums = new Map<string, string>();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const match = /^([0-9a-fA-F]{64})\s+(.+)$/.exec(line);
    const file = match?.[2]!.trim();
    if (match === null || file === undefined) problems.push(`${path}: a line that is not "<sha256> <path>"`);
    else if (file.startsWith('/') || file.split('/').includes('..')) problems.push(`${file}: a path outside the bag`);
    else sums.set(file, match[1]!.toLowerCase());
  }
  return sums;
}

/** Checks the bag in `dir`. */
export async function checkBag(dir: string): Promise<BagCheck> {
  const problems: string[] = [];
  const at = (name: string) => join(dir, name);
  if (!existsSync(at('bagit.txt')) || !/^BagIt-Version: 1\.\d+$/m.test(readFileSync(at('bagit.txt'), 'utf8')))
    problems.push('bagit.txt is missing or names no BagIt-Version 1.x');
  if (!existsSync(at('manifest-sha256.txt')) || !existsSync(at('data')))
    return {
      valid: false,
      problems: [...problems, 'manifest-sha256.txt or data/ is missing'],
      payloadFiles: 0,
      payloadBytes: 0,
    };
  const manifest = readManifest(at('manifest-sha256.txt'), problems);
  const payload = filesUnder(at('data'), dir);
  let payloadBytes = 0;
  for (const file of payload) {
    const expected = manifest.get(file);
    payloadBytes += statSync(at(file)).size;
    if (expected === undefined) problems.push(`${file}: not in manifest-sha256.txt`);
    else if ((await sha256Of(at(file))) !== expected) problems.push(`${file}: SHA-256 is not the manifest's`);
  }
  for (const listed of manifest.keys())
    if (!payload.includes(listed)) problems.push(`${listed}: in manifest-sha256.txt, not in the bag`);
  if (existsSync(at('bag-info.txt'))) {
    const oxum = /^Payload-Oxum:\s*(\d+)\.(\d+)\s*$/m.exec(readFileSync(at('bag-info.txt'), 'utf8'));
    if (oxum !== null && (Number(oxum[1]) !== payloadBytes || Number(oxum[2]) !== payload.length))
      problems.push(`Payload-Oxum says ${oxum[1]}.${oxum[2]}, the payload is ${payloadBytes}.${payload.length}`);
  }
  if (existsSync(at('tagmanifest-sha256.txt')))
    for (const [file, expected] of readManifest(at('tagmanifest-sha256.txt'), problems))
      if (!existsSync(at(file)) || (await sha256Of(at(file))) !== expected)
        problems.push(`${file}: missing or not the SHA-256 of tagmanifest-sha256.txt`);
  return { valid: problems.length === 0, problems, payloadFiles: payload.length, payloadBytes };
}
