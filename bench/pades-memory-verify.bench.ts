/**
 * Peak resident memory of verifying the PAdES signature of a 200 MB PDF (`verifyPdf` over a
 * FileHandle source: ByteRange hashed in chunks, revisions analysed), over the idle
 * process's, in a fresh child process. Budget: ≤ 64 MB. Baseline: pyHanko validating the
 * same signed file (`validate_pdf_signature`) in the same run, measured the same way.
 * The printed ratio is ours / pyHanko.
 */
import { padesFixtures } from './support/pades-fixtures.ts';
import { BUDGET_MB, memoryResult, oursMemory, signedLargePdf } from './support/memory.ts';
import { pyhankoMemory } from './support/pyhanko.ts';
import type { Benchmark } from './types.ts';

const bench: Benchmark = {
  name: 'PAdES verification of a 200 MB PDF, peak RSS over idle',
  target: `ours ≤ ${BUDGET_MB} MB; pyHanko's peak in the same run as baseline`,
  async run() {
    const { files } = await padesFixtures();
    const { path } = await signedLargePdf();
    const ours = await oursMemory('verify', path);
    const peer = await pyhankoMemory('verify', files, path, '');
    return memoryResult(
      ours,
      peer,
      'pyHanko 0.38 validate_pdf_signature',
      `ours ${ours.note ?? ''}, idle ${(ours.idle / 1e6).toFixed(0)} MB, ${ours.seconds.toFixed(1)} s; ` +
        `pyHanko ${peer.ok ? 'intact and valid' : 'NOT valid'}, idle ${(peer.idle / 1e6).toFixed(0)} MB, ${peer.seconds.toFixed(1)} s`,
    );
  },
};
export default bench;
