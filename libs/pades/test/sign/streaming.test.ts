// Signing a large PDF from a file to a file reads and writes in chunks: the
// process's RSS grows far less than the file size. The loose bound guards
// against buffering the whole file; the real figure belongs to the benchmark.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { readPdfSignatures, signPdf } from '../../src/index.ts';
import { createFileSink, openFileSource } from '@lienthong/pdf';
import { fixedClock, keySigner } from '@lienthong/pki';
import { hasTool, pdfsig } from '../../../../test/support/judges.ts';
import { hierarchy, NOW, tsaOf } from './support.ts';
import { writeLargePdf } from '../../../../test/support/large-pdf.ts';

const MB = 1024 * 1024;
const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-large-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

void t.test('a 50 MB PDF signed file-to-file keeps RSS growth small', async (t) => {
  const input = join(dir, 'large.pdf');
  const output = join(dir, 'large-signed.pdf');
  await writeLargePdf(input, 50 * MB);
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const source = await openFileSource(input);
  const sink = await createFileSink(output);
  try {
    await signPdf(source, sink, {
      signer: keySigner(h.seal.privateKey),
      certificate: h.seal.certificate,
      chain: [h.intermediate.certificate],
      clock: fixedClock(NOW),
      level: 'B-T',
      timeStamper: tsaOf(h),
    });
    peak = Math.max(peak, process.memoryUsage().rss);
    const [s] = await readPdfSignatures(sink);
    t.ok(s?.coversWholeFile, 'the signature covers the whole file');
    t.ok(sink.size > 50 * MB);
  } finally {
    clearInterval(sampler);
    await source.close();
    await sink.close();
  }
  const grewMb = (peak - before) / MB;
  t.comment(`RSS growth while signing 50 MB: ${grewMb.toFixed(1)} MB`);
  t.ok(grewMb < 64, `RSS grew ${grewMb.toFixed(1)} MB (< 64 MB, the budget for a 200 MB file)`);
  if (hasTool('pdfsig')) {
    const r = await pdfsig(output);
    t.has(r.signatures, [{ totalDocumentSigned: true, valid: true }], r.output);
  }
});
