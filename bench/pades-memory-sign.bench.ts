/**
 * Peak resident memory of PAdES B-B signing of a 200 MB PDF file to file (chunked
 * FileHandle source and sink), over the idle process's, in a fresh child process.
 * Budget: ≤ 64 MB. Baseline: pyHanko signing the same file in the same run, measured the
 * same way (VmHWM reset after loading, then read after signing). The printed ratio is
 * ours / pyHanko: the share of pyHanko's memory that we need.
 */
import { join } from 'node:path';
import { padesFixtures } from './support/pades-fixtures.ts';
import { BUDGET_MB, largePdf, memoryResult, removeFile, signedLargePdf } from './support/memory.ts';
import { pyhankoMemory } from './support/pyhanko.ts';
import type { Benchmark } from './types.ts';

const bench: Benchmark = {
  name: 'PAdES B-B signing of a 200 MB PDF, peak RSS over idle',
  target: `ours ≤ ${BUDGET_MB} MB; pyHanko's peak in the same run as baseline`,
  async run() {
    const { files, dir } = await padesFixtures();
    const { path: src, size } = await largePdf();
    const ours = (await signedLargePdf()).figure;
    const out = join(dir, 'large-pyhanko.pdf');
    const peer = await pyhankoMemory('sign', files, src, out);
    removeFile(out);
    return memoryResult(
      ours,
      peer,
      'pyHanko 0.38 sign_pdf',
      `${(size / 1e6).toFixed(0)} MB file; ours idle ${(ours.idle / 1e6).toFixed(0)} MB, ${ours.seconds.toFixed(1)} s; ` +
        `pyHanko idle ${(peer.idle / 1e6).toFixed(0)} MB, ${peer.seconds.toFixed(1)} s${ours.peakFromHwm && peer.peakFromHwm ? '' : '; peak from 2 ms samples only'}`,
    );
  },
};
export default bench;
