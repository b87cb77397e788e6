/**
 * PAdES B-B signing of the same 1 MB PDF by @libpdf/core 0.4.2 (Documenso's library) and by
 * us, in alternating in-process rounds on one core. Ours: `signPdf` memory → memory.
 * Theirs: `PDF.load(bytes)` then `pdf.sign({ signer, level: 'B-B' })` with its
 * `CryptoKeySigner` over a WebCrypto RSASSA-PKCS1-v1_5 key imported from the same PKCS#8.
 * The printed ratio is the multiple: ours / @libpdf/core.
 */
import { webcrypto } from 'node:crypto';
import { CryptoKeySigner, PDF } from '@libpdf/core';
import { readPdfSignatures } from '@lienthong/pades';
import { memorySource } from '@lienthong/pdf';
import { exportPrivateKey } from '@lienthong/pki';
import { NOW } from '../libs/pki/test/helpers/hierarchy.ts';
import { alternate, oneMegabytePdf, padesFixtures, signInMemory } from './support/pades-fixtures.ts';
import type { Benchmark } from './types.ts';

const bench: Benchmark = {
  name: 'PAdES B-B signing of a 1 MB PDF, ours vs @libpdf/core',
  target: 'ours ≥ 4× @libpdf/core 0.4.2',
  targetRatio: 4,
  async run() {
    const { h, options } = await padesFixtures();
    const pdf = await oneMegabytePdf();
    const key = await webcrypto.subtle.importKey(
      'pkcs8',
      exportPrivateKey(h.person.privateKey),
      { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
      false,
      ['sign'],
    );
    const signer = new CryptoKeySigner(key, h.person.certificate.der, 'RSA', 'RSASSA-PKCS1-v1_5', [
      h.intermediate.certificate.der,
    ]);
    const theirs = async (): Promise<Uint8Array> => {
      const doc = await PDF.load(pdf);
      return (await doc.sign({ signer, level: 'B-B', signingTime: NOW })).bytes;
    };
    const ours = (): Promise<Uint8Array> => signInMemory(pdf, options);
    const [s] = await readPdfSignatures(memorySource(await theirs()));
    if (s?.coversWholeFile !== true) throw new Error('the @libpdf/core signature does not cover the whole file');
    const r = await alternate(ours, theirs, 5, 1000);
    return {
      figure: r.a,
      baseline: r.b,
      unit: 'signatures/s',
      baselineName: '@libpdf/core 0.4.2',
      detail: `${r.countA} ours and ${r.countB} theirs in 5 alternating 1 s rounds; their signer: CryptoKeySigner over WebCrypto, PDF.load + sign each time`,
    };
  },
};
export default bench;
