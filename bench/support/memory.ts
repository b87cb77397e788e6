/**
 * The PAdES memory benchmarks' shared parts: a 200 MB PDF written once per run into the
 * fixtures' temp folder (removed on exit), our signed copy of it, and a child process that
 * measures our peak RSS over idle while signing or verifying a file (`memory-child.ts`).
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { writeLargePdf } from '../../test/support/large-pdf.ts';
import type { BenchResult } from '../types.ts';
import { MB, padesFixtures } from './pades-fixtures.ts';

/** One process's memory while doing one operation; bytes. */
export interface MemoryFigure {
  /** RSS after loading code, keys and certificates, before the operation. */
  readonly idle: number;
  /** Peak RSS during the operation (VmHWM reset before it, and RSS sampled every 2 ms). */
  readonly peak: number;
  /** Whether the kernel's high-water mark could be reset (else only the samples count). */
  readonly peakFromHwm: boolean;
  readonly seconds: number;
  /** The operation did what it should (file signed, signature intact). */
  readonly ok: boolean;
  readonly note?: string;
}

/** Size of the large PDF's image stream. */
export const LARGE_BYTES = 200 * MB;

let large: Promise<{ path: string; size: number }> | undefined;

/** The 200 MB PDF of this run (written on first use). */
export function largePdf(): Promise<{ path: string; size: number }> {
  large ??= (async () => {
    const { dir } = await padesFixtures();
    const path = join(dir, 'large.pdf');
    return { path, size: await writeLargePdf(path, LARGE_BYTES) };
  })();
  return large;
}

const childScript = join(import.meta.dirname, 'memory-child.ts');

/** Runs `memory-child.ts` in a fresh node process: signs `src` → `dst` or verifies `src`. */
export async function oursMemory(mode: 'sign' | 'verify', src: string, dst = ''): Promise<MemoryFigure> {
  const { files } = await padesFixtures();
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', childScript, mode, files.key, files.cert, files.chain, files.root, src, dst],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  const figure = JSON.parse(stdout.trim().split('\n').pop()!) as MemoryFigure;
  if (!figure.ok) throw new Error(`our ${mode} of the large PDF failed: ${figure.note ?? ''}`);
  return figure;
}

let signed: Promise<{ path: string; figure: MemoryFigure }> | undefined;

/** Our file-to-file B-B signature of the large PDF, with the memory it took (made once per run). */
export function signedLargePdf(): Promise<{ path: string; figure: MemoryFigure }> {
  signed ??= (async () => {
    const { dir } = await padesFixtures();
    const { path: src } = await largePdf();
    const path = join(dir, 'large-signed.pdf');
    return { path, figure: await oursMemory('sign', src, path) };
  })();
  return signed;
}

/** Removes a file made during a benchmark (the folder itself goes on exit). */
export function removeFile(path: string): void {
  rmSync(path, { force: true });
}

/** Peak over idle, in MB. */
export const overIdleMb = (f: MemoryFigure): number => (f.peak - f.idle) / MB;

/** The memory budget of issue 10: peak RSS over idle while signing or verifying 200 MB. */
export const BUDGET_MB = 64;

/** A memory benchmark's result: ours against the peer's figure, the budget verdict first in the detail. */
export function memoryResult(
  ours: MemoryFigure,
  peer: MemoryFigure,
  baselineName: string,
  detail: string,
): BenchResult {
  const mine = overIdleMb(ours);
  const verdict = mine <= BUDGET_MB ? `ok, within ${BUDGET_MB} MB` : `OVER the ${BUDGET_MB} MB budget`;
  return { figure: mine, baseline: overIdleMb(peer), unit: 'MB', baselineName, detail: `${verdict}; ${detail}` };
}
