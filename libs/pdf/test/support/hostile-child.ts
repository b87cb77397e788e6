/**
 * Runs one hostile input of `hostile-files.ts` in a fresh process, so its memory is measured
 * alone: `node hostile-child.ts <case> <mode> [root.pem]`, case `xref-rows` |
 * `xref-sections` | `object-streams` | `array` | `dictionary` | `depth` | `png`, or the path of a PDF file (a clean one, for
 * comparison); mode `open` (PdfDocument.open and listFields, or decodePng) or `verify`
 * (verifyPdf, as `lienthong verify` and /v1/verify/pdf run it, trusting `root.pem` when
 * given). The input is built or read first; then the idle RSS is taken, the kernel's peak
 * (VmHWM) reset, and one JSON line printed: what happened (error code and message, or the
 * report's indication and message), seconds, idle and peak RSS, and the largest heap seen.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyPdf } from '@lienthong/pades';
import { readCertificate, toDer } from '@lienthong/pki';
import { decodePng, listFields, memorySource, PdfDocument } from '../../src/index.ts';
import { arrayBomb, depthBomb, dictionaryBomb, objectStreamBomb, pngBomb, xrefRowsBomb } from './hostile-files.ts';

/** What the child prints. */
export interface HostileOutcome {
  readonly bytes: number;
  /** `error` for a thrown error (with its code), `report` for a verification report, `ok` otherwise. */
  readonly kind: 'error' | 'report' | 'ok';
  readonly code?: string;
  readonly name?: string;
  readonly message: string;
  readonly seconds: number;
  readonly idleRss: number;
  readonly peakRss: number;
  readonly peakHeap: number;
}

const [which = '', mode = 'open', rootPem] = process.argv.slice(2);
const trustAnchors =
  rootPem === undefined ? [] : [readCertificate(toDer(readFileSync(rootPem, 'latin1'), 'CERTIFICATE'))];

function build(): Uint8Array {
  switch (which) {
    case 'xref-rows':
      return xrefRowsBomb();
    case 'xref-sections':
      return xrefRowsBomb({ sections: 4 });
    case 'object-streams':
      return objectStreamBomb();
    case 'array':
      return arrayBomb();
    case 'dictionary':
      return dictionaryBomb();
    case 'depth':
      return depthBomb();
    case 'png':
      return pngBomb();
    default:
      if (which.startsWith('/')) return readFileSync(which);
      throw new Error(`unknown case ${which}`);
  }
}

function hwm(): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'latin1'));
  return m === null ? 0 : Number(m[1]) * 1024;
}

const input = build();
(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 50));
const idleRss = process.memoryUsage.rss();
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  // Without a resettable high-water mark the samples alone count.
}
let peakRss = idleRss;
let peakHeap = process.memoryUsage().heapUsed;
const sample = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
};
const sampler = setInterval(sample, 5);
const start = performance.now();
let outcome: Pick<HostileOutcome, 'kind' | 'code' | 'name' | 'message'>;
try {
  if (which === 'png') {
    const img = decodePng(input);
    outcome = { kind: 'ok', message: `decoded ${img.width}x${img.height}` };
  } else if (mode === 'verify') {
    const r = await verifyPdf(memorySource(input), {
      time: new Date('2026-06-01T00:00:00Z'),
      trustAnchors,
      revocation: 'none',
    });
    outcome = { kind: 'report', code: `${r.indication}/${r.subIndication ?? ''}`, message: r.message };
  } else {
    const doc = await PdfDocument.open(memorySource(input));
    const fields = await listFields(doc);
    outcome = { kind: 'ok', message: `${fields.length} fields` };
  }
} catch (e) {
  const err = e as Error & { code?: string };
  outcome = {
    kind: 'error',
    ...(err.code === undefined ? {} : { code: err.code }),
    name: err.name,
    message: err.message,
  };
}
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
sample();
const result: HostileOutcome = {
  bytes: input.length,
  ...outcome,
  seconds,
  idleRss,
  peakRss: Math.max(peakRss, hwm()),
  peakHeap,
};
console.log(JSON.stringify(result));
