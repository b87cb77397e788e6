/**
 * `npm run bench`: runs every `bench/*.bench.ts` (or those named on the command line)
 * against the real services that `infra/local` starts and prints, per benchmark, its
 * figure, the baseline's figure from the same run, and their ratio.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startInfra } from '../scripts/lib/infra.ts';
import type { Benchmark } from './types.ts';

const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const files = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((name) => f.includes(name)))
  .sort();

const env = await startInfra({ ...process.env });
const format = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: n < 10 ? 2 : 0 });

let failures = 0;
for (const file of files) {
  const { default: bench } = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as {
    default: Benchmark;
  };
  try {
    const r = await bench.run(env);
    const ratio = r.figure / r.baseline;
    const mark = bench.targetRatio === undefined ? '' : ratio >= bench.targetRatio ? ' ok' : ' BELOW TARGET';
    console.log(
      `${bench.name}: ${format(r.figure)} ${r.unit} vs ${r.baselineName} ${format(r.baseline)} ${r.unit}` +
        ` = ratio ${ratio.toFixed(2)} (target ${bench.target})${mark}${r.detail ? `; ${r.detail}` : ''}`,
    );
  } catch (error) {
    failures += 1;
    console.log(`${bench.name}: failed: ${(error as Error).stack ?? String(error)}`);
  }
}
process.exit(failures === 0 ? 0 : 1);
