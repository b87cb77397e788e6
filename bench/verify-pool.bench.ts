/**
 * Verification on the signing service's parsing workers (issue 15): verifyPdf of a clean
 * signed 1 MB PDF from its file through the pool (one worker, the job's data cloned across,
 * the report cloned back) against the same verification in process, in verifications per
 * second. Target: the pool costs little on a clean file (ratio ≥ 0.8). The detail adds what
 * the pool is for: the main thread's event-loop delay (p99 and max, `monitorEventLoopDelay`)
 * while a hostile PDF is verified in a worker, next to the same verification in process: a signed
 * form of 5,000 fields, each in an object stream of its own (libs/pdf's `objectStreamBomb`),
 * slow within libs/pdf's budgets (about a second in process), unlike the bombs those budgets
 * now refuse in milliseconds.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createWorkerPool } from '@lienthong/service';
import { signPdf } from '@lienthong/pades';
import { memorySink, memorySource } from '@lienthong/pdf';
import { objectStreamBomb } from '../libs/pdf/test/support/hostile-files.ts';
import { verifyPdfJob, type VerifyPdfJob } from '../services/signing/src/workers/verify-tasks.ts';
import { oneMegabytePdf, padesFixtures, ratePerSecond, signInMemory } from './support/pades-fixtures.ts';
import type { Benchmark } from './types.ts';

const script = new URL('../services/signing/src/parsing-worker.ts', import.meta.url);

/** The main thread's event-loop delay while `work` runs: p99 and max, ms. */
async function loopDelay(work: () => Promise<unknown>): Promise<{ p99: number; max: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  await work();
  // A loop blocked to the end records its delay only when its timer finally runs.
  await new Promise((resolve) => setTimeout(resolve, 50));
  histogram.disable();
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
}

const bench: Benchmark = {
  name: 'verifyPdf of a clean 1 MB PDF on a parsing worker (issue 15)',
  target: 'ratio ≥ 0.8 (the pool costs little); the event loop free while a hostile file is judged',
  targetRatio: 0.8,
  async run() {
    const { dir, h, options } = await padesFixtures();
    const clean = join(dir, 'verify-pool-clean.pdf');
    writeFileSync(clean, await signInMemory(await oneMegabytePdf(), options));
    const hostile = join(dir, 'verify-pool-hostile.pdf');
    const form = memorySink();
    await signPdf(memorySource(objectStreamBomb({ fields: 5_000, streams: 5_000, inflated: 0 })), form, options);
    writeFileSync(hostile, form.bytes());
    const job = (path: string): VerifyPdfJob => ({
      path,
      trustAnchors: [h.root.certificate.der],
      intermediates: [h.intermediate.certificate.der],
      crls: [],
      now: new Date('2026-06-01T00:00:00Z'),
    });
    const pool = createWorkerPool({
      script,
      size: 1,
      queueLimit: 4,
      timeLimitMs: 600_000,
      resourceLimits: { maxOldGenerationSizeMb: 256 },
    });
    try {
      await pool.run('verifyPdf', job(clean)); // the thread started and warmed up
      await verifyPdfJob(job(clean));
      const pooled = await ratePerSecond(() => pool.run('verifyPdf', job(clean)), 5_000);
      const inProcess = await ratePerSecond(() => verifyPdfJob(job(clean)), 5_000);
      const onWorker = await loopDelay(() => pool.run('verifyPdf', job(hostile)));
      const onMain = await loopDelay(() => verifyPdfJob(job(hostile)));
      const ms = (d: { p99: number; max: number }): string => `p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(0)} ms`;
      return {
        figure: pooled.perSecond,
        baseline: inProcess.perSecond,
        unit: 'verifications/s',
        baselineName: 'verifyPdf in process',
        detail:
          `${pooled.count} pooled, ${inProcess.count} in process; event-loop delay while a hostile PDF is verified: ` +
          `on a worker ${ms(onWorker)}, in process ${ms(onMain)}`,
      };
    } finally {
      await pool.close();
    }
  },
};
export default bench;
