/**
 * CAdES B-LT verification throughput: our verifier (signature, signing-certificate-v2,
 * signature-time-stamp, RFC 5280 path with the embedded OCSP response and CRL, level
 * determination) run in a loop on one B-LT signature. Baseline: `openssl cms -verify` run
 * as a process in a loop over the same file (processes per second), the way a shell
 * pipeline or a service shelling out to openssl would verify.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  addSignatureTimeStamp,
  addValidationData,
  buildOcspRequest,
  buildTimeStampRequest,
  fixedClock,
  issueOcspResponse,
  issueTimeStampToken,
  keySigner,
  signCades,
  toPem,
  verifyCms,
} from '@lienthong/pki';
import { NOW, buildHierarchy } from '../libs/pki/test/helpers/hierarchy.ts';
import type { Benchmark } from './types.ts';

const SECONDS = 3;

const bench: Benchmark = {
  name: 'CAdES B-LT verification',
  target: 'ratio ≥ 1.0 of openssl cms -verify processes/s',
  targetRatio: 1.0,
  async run() {
    const h = await buildHierarchy();
    const chain = [h.intermediate.certificate];
    const content = new Uint8Array(4096).fill(7);
    const bb = await signCades(content, keySigner(h.person.privateKey), { certificate: h.person.certificate, chain });
    const bt = await addSignatureTimeStamp(bb, async (imprint, hash) =>
      issueTimeStampToken({
        request: buildTimeStampRequest({ hash, imprint }),
        tsaCertificate: h.tsa.certificate,
        chain,
        signer: keySigner(h.tsa.privateKey),
        clock: fixedClock(NOW),
        serialNumber: 1n,
        policy: '1.3.6.1.4.1.99999.2.1',
      }),
    );
    const ocsp = await issueOcspResponse({
      request: buildOcspRequest({
        issuer: h.intermediate.certificate,
        certificates: [h.person.certificate, h.tsa.certificate],
        nonce: false,
      }),
      issuer: h.intermediate.certificate,
      responderCert: h.ocsp.certificate,
      signer: keySigner(h.ocsp.privateKey),
      statusOf: () => ({ status: 'good' }),
      clock: fixedClock(NOW),
      nextUpdate: 7 * 86400,
    });
    const blt = addValidationData(bt, {
      certificates: [h.tsa.certificate, h.ocsp.certificate, h.root.certificate],
      crls: [h.rootCrl],
      ocspResponses: [ocsp],
    });
    const options = { trustAnchors: [h.root.certificate], time: NOW, detachedContent: content };
    const check = verifyCms(blt, options);
    if (check.indication !== 'TOTAL_PASSED' || check.level !== 'B-LT')
      throw new Error(`the fixture does not verify as B-LT: ${check.message}`);

    for (let i = 0; i < 50; i++) verifyCms(blt, options);
    let n = 0;
    let start = performance.now();
    while (performance.now() - start < SECONDS * 1000) {
      verifyCms(blt, options);
      n++;
    }
    const figure = n / ((performance.now() - start) / 1000);

    const dir = mkdtempSync(join(tmpdir(), 'bench-cades-verify-'));
    try {
      const sig = join(dir, 'sig.p7s');
      const data = join(dir, 'data.bin');
      const root = join(dir, 'root.pem');
      writeFileSync(sig, blt);
      writeFileSync(data, content);
      writeFileSync(root, toPem('CERTIFICATE', h.root.certificate.der));
      const args = [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        sig,
        '-content',
        data,
        '-CAfile',
        root,
        '-purpose',
        'any',
        '-attime',
        String(Math.floor(NOW.getTime() / 1000)),
        '-out',
        '/dev/null',
      ];
      let m = 0;
      start = performance.now();
      while (performance.now() - start < SECONDS * 1000) {
        const r = spawnSync('openssl', args, { stdio: 'ignore' });
        if (r.status !== 0) throw new Error('openssl cms -verify rejected the B-LT signature');
        m++;
      }
      const baseline = m / ((performance.now() - start) / 1000);
      return {
        figure,
        baseline,
        unit: 'verifications/s',
        baselineName: 'openssl cms -verify (process)',
        detail: `B-LT of ${blt.length} bytes with TSA token, OCSP response and CRL; ${n} vs ${m} runs in ${SECONDS} s`,
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
export default bench;
