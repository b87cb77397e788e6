// Verifying a 200 MB signed PDF from a file: the ByteRange is hashed in
// chunks and the CMS verified against the precomputed digest, so RSS grows far
// less than the file. The bound guards against buffering the whole file.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import t from 'tap';
import { signPdf, verifyPdf } from '../../src/index.ts';
import { createFileSink, openFileSource } from '@lienthong/pdf';
import { fixedClock, keySigner } from '@lienthong/pki';
import { dir, h, NOW, ocspFor, tsaOf } from './support.ts';
import { writeLargePdf } from '../../../../test/support/large-pdf.ts';

const MB = 1024 * 1024;

void t.test('a 200 MB B-LTA PDF verifies with RSS growth under 64 MB', async (t) => {
  const input = join(dir, 'large.pdf');
  const output = join(dir, 'large-signed.pdf');
  t.teardown(() => {
    rmSync(input, { force: true });
    rmSync(output, { force: true });
  });
  await writeLargePdf(input, 200 * MB);
  const source = await openFileSource(input);
  const sink = await createFileSink(output);
  await signPdf(source, sink, {
    signer: keySigner(h.seal.privateKey),
    certificate: h.seal.certificate,
    chain: [h.intermediate.certificate],
    clock: fixedClock(NOW),
    level: 'B-LTA',
    timeStamper: tsaOf(h),
    validationData: {
      certificates: [h.root.certificate],
      crls: [h.rootCrl, h.intermediateCrl],
      ocsps: [await ocspFor(h.seal.certificate)],
    },
  });
  await source.close();
  await sink.close();
  global.gc?.();
  const signed = await openFileSource(output);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const r = await verifyPdf(signed, { trustAnchors: [h.root.certificate], time: NOW });
    peak = Math.max(peak, process.memoryUsage().rss);
    t.equal(r.indication, 'TOTAL_PASSED', r.message);
    t.equal(r.signatures[0]?.level, 'B-LTA');
    t.ok(r.fileSize > 200 * MB);
  } finally {
    clearInterval(sampler);
    await signed.close();
  }
  const grewMb = (peak - before) / MB;
  t.comment(`RSS growth while verifying ${(200).toFixed(0)} MB: ${grewMb.toFixed(1)} MB`);
  t.ok(grewMb < 64, `RSS grew ${grewMb.toFixed(1)} MB (budget 64 MB)`);
});
