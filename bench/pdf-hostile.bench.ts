/**
 * Hostile files on a budget (issue 15): `verifyPdf`, as `/v1/verify/pdf` and `lienthong
 * verify` run it, on four hostile PDFs of libs/pdf/test/support/hostile-files.ts (an 8 KB
 * xref stream claiming 8,000,000 rows; four such sections on a /Prev chain; 150 fields over
 * five object streams inflating to 60 MiB each; a 48 KB catalog of 15,000,000 numbers) and
 * on a clean signed PDF of similar size, each in a fresh child process: time and peak RSS
 * over idle. Baseline: the clean verification. Target: each hostile file answered in about
 * the clean file's time, under 256 MB peak RSS. The printed figure is the slowest hostile
 * answer, in seconds.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { fixturePdf } from '../libs/pdf/test/fixtures.ts';
import type { HostileOutcome } from '../libs/pdf/test/support/hostile-child.ts';
import { MB, padesFixtures } from './support/pades-fixtures.ts';
import type { Benchmark } from './types.ts';

const child = join(import.meta.dirname, '../libs/pdf/test/support/hostile-child.ts');
/** Peak RSS (not over idle) the issue allows while answering a hostile file. */
const PEAK_MB = 256;

async function measure(which: string, rootPem: string): Promise<HostileOutcome> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--expose-gc', child, which, 'verify', rootPem], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
    timeout: 600_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as HostileOutcome;
}

const line = (name: string, o: HostileOutcome): string =>
  `${name} (${(o.bytes / 1024).toFixed(0)} KB): ${o.seconds.toFixed(2)} s, ` +
  `peak ${(o.peakRss / MB).toFixed(0)} MB = ${((o.peakRss - o.idleRss) / MB).toFixed(0)} MB over idle, ${o.code ?? o.kind}`;

const bench: Benchmark = {
  name: 'verifyPdf on hostile PDFs (issue 15), slowest answer',
  target: `each hostile file in about the clean file's time (ratio ≈ 1), peak RSS < ${PEAK_MB} MB`,
  async run() {
    const { dir, files, options } = await padesFixtures();
    const sink = memorySink();
    await signPdf(memorySource(await fixturePdf({ pages: 40 })), sink, options);
    const cleanPath = join(dir, 'hostile-baseline.pdf');
    writeFileSync(cleanPath, sink.bytes());
    const clean = await measure(cleanPath, files.root);
    const hostile: [string, HostileOutcome][] = [];
    for (const [name, which] of [
      ['8,000,000 xref rows', 'xref-rows'],
      ['four such sections', 'xref-sections'],
      ['150 fields in 5 × 60 MiB object streams', 'object-streams'],
      ['15,000,000 numbers in a catalog', 'array'],
    ] as const)
      hostile.push([name, await measure(which, files.root)]);
    const slowest = Math.max(...hostile.map(([, o]) => o.seconds));
    const worstPeak = Math.max(...hostile.map(([, o]) => o.peakRss)) / MB;
    const verdict =
      worstPeak < PEAK_MB ? `ok, peak ≤ ${worstPeak.toFixed(0)} MB` : `OVER ${PEAK_MB} MB (${worstPeak.toFixed(0)} MB)`;
    return {
      figure: slowest,
      baseline: clean.seconds,
      unit: 's',
      baselineName: 'verifyPdf of a clean signed PDF',
      detail: `${verdict}; ${hostile.map(([n, o]) => line(n, o)).join('; ')}; baseline ${line('clean', clean)}`,
    };
  },
};
export default bench;
