// Benchmark, not a test: CAdES B-B signatures per second against `openssl speed rsa2048`.
// Run: node libs/pki/test/bench-cades.ts  (prints both rates and their ratio; the target ratio is ≥ 0.75).
import { execFileSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createCadesKeySigner } from '../src/index.ts';
import { buildHierarchy } from './helpers/hierarchy.ts';

const h = await buildHierarchy();
const signer = createCadesKeySigner(h.person.privateKey, { certificate: h.person.certificate, chain: [h.intermediate.certificate], algorithm: 'RSA-SHA256' });
const doc = new Uint8Array(4096).fill(7);
for (let i = 0; i < 200; i++) signer.sign(doc);
const seconds = 3;
let n = 0;
const start = performance.now();
while (performance.now() - start < seconds * 1000) {
  signer.sign(doc);
  n++;
}
const ours = n / ((performance.now() - start) / 1000);
const speed = execFileSync('openssl', ['speed', '-seconds', String(seconds), 'rsa2048'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
const line = speed.split('\n').find((l) => /^rsa\s+2048/.test(l.trim()));
const openssl = Number(/([\d.]+)s\s+([\d.]+)s\s+([\d.]+)/.exec(line ?? '')?.[3] ?? NaN);
console.log(`CAdES B-B RSA-2048 signatures/s: ${ours.toFixed(0)}; openssl speed rsa2048 sign/s: ${openssl.toFixed(0)}; ratio ${(ours / openssl).toFixed(2)}`);
