/**
 * Child process of the PAdES memory benchmarks (run by `memory.ts` with --expose-gc):
 * `node memory-child.ts sign|verify <key.pem> <cert.pem> <chain.pem> <root.pem> <src> <dst>`.
 * Loads everything, records the idle RSS, resets the kernel's peak (VmHWM, via
 * /proc/self/clear_refs), signs `src` → `dst` file to file (PAdES B-B) or verifies `src`,
 * samples RSS every 2 ms meanwhile, and prints one JSON {@link MemoryFigure} line.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { signPdf, verifyPdf } from '@lienthong/pades';
import { createFileSink, openFileSource } from '@lienthong/pdf';
import { keySigner, readCertificate, readPrivateKey, toDer } from '@lienthong/pki';
import type { MemoryFigure } from './memory.ts';

const [mode, keyPath, certPath, chainPath, rootPath, src, dst] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
  string,
  string,
];
const pem = (path: string, label: string): Uint8Array => toDer(readFileSync(path, 'latin1'), label);
const key = readPrivateKey(pem(keyPath, 'PRIVATE KEY'));
const certificate = readCertificate(pem(certPath, 'CERTIFICATE'));
const chain = [readCertificate(pem(chainPath, 'CERTIFICATE'))];
const root = readCertificate(pem(rootPath, 'CERTIFICATE'));

function status(field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'latin1'));
  if (m === null) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) * 1024;
}

(globalThis as { gc?: () => void }).gc?.();
await new Promise((resolve) => setTimeout(resolve, 100));
const idle = process.memoryUsage.rss();
let peakFromHwm = true;
try {
  writeFileSync('/proc/self/clear_refs', '5');
} catch {
  peakFromHwm = false;
}
let sampled = idle;
const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage.rss())), 2);
const start = performance.now();
let ok: boolean;
let note: string;
const source = await openFileSource(src);
try {
  if (mode === 'sign') {
    const sink = await createFileSink(dst);
    try {
      await signPdf(source, sink, { signer: keySigner(key), certificate, chain });
      ok = sink.size > source.size;
      note = `${sink.size} bytes written`;
    } finally {
      await sink.close();
    }
  } else {
    const report = await verifyPdf(source, { trustAnchors: [root], revocation: 'none' });
    const s = report.signatures[0];
    ok = s?.integrity === true;
    note = `verifyPdf: ${report.indication}${report.subIndication === undefined ? '' : `/${report.subIndication}`}, integrity ${String(s?.integrity)}`;
  }
} finally {
  await source.close();
}
const seconds = (performance.now() - start) / 1000;
clearInterval(sampler);
sampled = Math.max(sampled, process.memoryUsage.rss());
const figure: MemoryFigure = {
  idle,
  peak: peakFromHwm ? Math.max(sampled, status('VmHWM')) : sampled,
  peakFromHwm,
  seconds,
  ok,
  note,
};
console.log(JSON.stringify(figure));
