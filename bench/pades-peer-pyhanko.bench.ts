/**
 * PAdES B-B signing of the same 1 MB PDF by pyHanko 0.38 and by us, one after the other on
 * one core each. Ours: `signPdf` memory → memory, 2 s before and 2 s after pyHanko's
 * window (so a change of load on the shared machine hits both). pyHanko: a Python script
 * (`support/pyhanko.ts`) that loads the same key and certificates once, then calls
 * `signers.sign_pdf` into a BytesIO for 4 s (subfilter ETSI.CAdES.detached, SHA-256).
 * The printed ratio is the multiple: ours / pyHanko.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { oneMegabytePdf, padesFixtures, ratePerSecond, signInMemory } from './support/pades-fixtures.ts';
import { pyhankoSignRate } from './support/pyhanko.ts';
import type { Benchmark } from './types.ts';

const SECONDS = 4;

const bench: Benchmark = {
  name: 'PAdES B-B signing of a 1 MB PDF, ours vs pyHanko',
  target: 'ours ≥ 50× pyHanko 0.38',
  targetRatio: 50,
  async run() {
    const { files, options } = await padesFixtures();
    const pdf = await oneMegabytePdf();
    const pdfPath = join(files.dir, 'one-megabyte.pdf');
    writeFileSync(pdfPath, pdf);
    const ours = (): Promise<Uint8Array> => signInMemory(pdf, options);
    await ratePerSecond(ours, 1000);
    const before = await ratePerSecond(ours, (SECONDS / 2) * 1000);
    const peer = await pyhankoSignRate(files, pdfPath, SECONDS);
    const after = await ratePerSecond(ours, (SECONDS / 2) * 1000);
    const count = before.count + after.count;
    return {
      figure: count / (before.count / before.perSecond + after.count / after.perSecond),
      baseline: peer.perSecond,
      unit: 'signatures/s',
      baselineName: 'pyHanko 0.38 sign_pdf',
      detail: `${count} ours (${before.perSecond.toFixed(0)}/s before, ${after.perSecond.toFixed(0)}/s after), ${peer.count} pyHanko in ${SECONDS} s each after warm-up; pyHanko in its own process, key loaded once`,
    };
  },
};
export default bench;
