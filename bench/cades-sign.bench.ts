/**
 * CAdES B-B signing throughput on one core: detached signatures per second of a 4 KiB
 * document with the fast in-process key signer (RSA-2048, SHA-256; the SignedData skeleton
 * is encoded once). Baseline: `openssl speed -seconds 3 -mr rsa2048` sign/s in the same run,
 * i.e. the raw RSA private-key operation with no CMS around it.
 */
import { execFile } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { createCadesKeySigner } from '@lienthong/pki';
import { buildHierarchy } from '../libs/pki/test/helpers/hierarchy.ts';
import type { Benchmark } from './types.ts';

const SECONDS = 3;

async function opensslSignPerSecond(): Promise<number> {
  const { stdout } = await promisify(execFile)('openssl', ['speed', '-seconds', String(SECONDS), '-mr', 'rsa2048'], {
    encoding: 'utf8',
  });
  // Machine-readable line: +F2:<index>:<bits>:<sign/s>:<verify/s>
  const m = /^\+F2:\d+:2048:([\d.]+):([\d.]+)/m.exec(stdout);
  if (m === null) throw new Error(`no rsa2048 line in openssl speed output: ${stdout.slice(-300)}`);
  return Number(m[1]);
}

const bench: Benchmark = {
  name: 'CAdES B-B signing (RSA-2048)',
  target: 'ratio ≥ 0.75 of openssl speed rsa2048 sign/s',
  targetRatio: 0.75,
  async run() {
    const h = await buildHierarchy();
    const signer = createCadesKeySigner(h.person.privateKey, {
      certificate: h.person.certificate,
      chain: [h.intermediate.certificate],
      algorithm: 'RSA-SHA256',
    });
    const doc = new Uint8Array(4096).fill(7);
    for (let i = 0; i < 200; i++) signer.sign(doc);
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      signer.sign(doc);
      n++;
    }
    const figure = n / ((performance.now() - start) / 1000);
    const baseline = await opensslSignPerSecond();
    return {
      figure,
      baseline,
      unit: 'signatures/s',
      baselineName: 'openssl speed rsa2048',
      detail: `${n} signatures of a 4 KiB document in ${SECONDS} s on one core`,
    };
  },
};
export default bench;
