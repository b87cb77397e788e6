/**
 * PAdES B-B signing throughput on one core (ETSI EN 319 142-1 §6.3): signatures per second
 * of a 1 MB PDF signed from memory to memory with `signPdf` (RSA-2048, SHA-256, a new
 * incremental update each time). Baseline, in alternating rounds of the same run: SHA-256 of
 * the same bytes plus one RSA-2048 signature with node:crypto, i.e. the unavoidable work.
 */
import { createHash, sign } from 'node:crypto';
import { readPdfSignatures } from '@lienthong/pades';
import { memorySource } from '@lienthong/pdf';
import { alternate, oneMegabytePdf, padesFixtures, signInMemory } from './support/pades-fixtures.ts';
import type { Benchmark } from './types.ts';

const bench: Benchmark = {
  name: 'PAdES B-B signing of a 1 MB PDF (RSA-2048)',
  target: 'ratio ≥ 0.5 of SHA-256 + one RSA-2048 signature of the same bytes',
  targetRatio: 0.5,
  async run() {
    const { h, options } = await padesFixtures();
    const pdf = await oneMegabytePdf();
    const ours = (): Promise<Uint8Array> => signInMemory(pdf, options);
    const signed = await ours();
    const [s] = await readPdfSignatures(memorySource(signed));
    if (s?.coversWholeFile !== true) throw new Error('the benchmark signature does not cover the whole file');
    const key = h.person.privateKey;
    const baseline = (): Uint8Array => sign('sha256', createHash('sha256').update(pdf).digest(), key);
    const r = await alternate(ours, baseline, 5, 1000);
    return {
      figure: r.a,
      baseline: r.b,
      unit: 'signatures/s',
      baselineName: 'node:crypto SHA-256 + RSA-2048 sign',
      detail: `${r.countA} signatures of a ${(pdf.length / 1e6).toFixed(2)} MB PDF (+${signed.length - pdf.length} bytes each) in 5 alternating 1 s rounds on one core`,
    };
  },
};
export default bench;
