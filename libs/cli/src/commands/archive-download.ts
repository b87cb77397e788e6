/**
 * Downloads from the archive for `lienthong archive`: a response streamed to a temporary file
 * next to its target, hashed and counted on the way with a progress bar on stderr for long
 * transfers, renamed into place only when its SHA-256 and length are the ones expected.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, renameSync, rmSync } from 'node:fs';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ClientConfig } from '../client/client-config.ts';
import { sendToService } from '../client/service-client.ts';
import type { CliIo } from '../io.ts';

/** Transfers longer than this show a progress bar (4 MiB). */
const progressFrom = 4 * 1024 * 1024;

/** A pass-through that hashes, counts and draws a progress bar of `total` bytes (0: unknown). */
export function progressCounter(io: CliIo, label: string, total: number) {
  const hash = createHash('sha256');
  let length = 0;
  const mb = (n: number) => (n / 1_048_576).toFixed(1);
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      length += chunk.length;
      if (total > progressFrom) {
        const share = Math.min(30, Math.floor((length / total) * 30));
        io.stderr(`\r${label} [${'#'.repeat(share)}${' '.repeat(30 - share)}] ${mb(length)}/${mb(total)} MB`);
      } else if (total === 0 && length > progressFrom) io.stderr(`\r${label} ${mb(length)} MB`);
      done(null, chunk);
    },
    flush(done) {
      if (total > progressFrom || (total === 0 && length > progressFrom)) io.stderr('\n');
      done();
    },
  });
  return { stream, sha256: () => hash.digest('hex'), length: () => length };
}

/** What a download found. */
export interface Downloaded {
  sha256: string;
  length: number;
  /** True when it matched what was expected and was renamed into place. */
  kept: boolean;
}

/**
 * GETs `path` of the archive into `target` through a temporary file; renamed into place only
 * if `expected` (when given) holds. Throws ServiceRefusal / SERVICE_UNREACHABLE as calls do.
 */
export async function downloadFromArchive(
  io: CliIo,
  config: ClientConfig,
  path: string,
  target: string,
  expected?: { sha256: string; size: number },
): Promise<Downloaded> {
  const response = await sendToService(io, config, 'archive', {
    method: 'GET',
    path,
    headers: { accept: '*/*' },
  });
  const counter = progressCounter(io, 'download', Number(response.headers.get('content-length') ?? 0));
  const temporary = `${target}.part-${randomBytes(6).toString('hex')}`;
  try {
    try {
      await pipeline(Readable.fromWeb(response.body!), counter.stream, createWriteStream(temporary, { flags: 'wx' }));
    } catch {
      // The archive cuts a response whose stored bytes do not match the package: nothing is kept.
      return { sha256: 'cut short', length: counter.length(), kept: false };
    }
    const sha256 = counter.sha256();
    const length = counter.length();
    const kept = expected === undefined || (expected.sha256 === sha256 && expected.size === length);
    if (kept) renameSync(temporary, target);
    return { sha256, length, kept };
  } finally {
    rmSync(temporary, { force: true });
  }
}
