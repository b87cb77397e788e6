// Signing a large PDF from a file to a file reads and writes in chunks: the
// process's RSS grows far less than the file size. The loose bound guards
// against buffering the whole file; the real figure belongs to the benchmark.
import { randomFillSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { fixedClock, keySigner } from '../../src/index.ts';
import { createFileSink, openFileSource } from '../../src/pdf/index.ts';
import { readPdfSignatures, signPdf } from '../../src/pades/index.ts';
import { have, pdfsig } from '../pdf/judges.ts';
import { hierarchy, NOW, tsaOf } from './support.ts';

const MB = 1024 * 1024;
const h = await hierarchy;
const dir = mkdtempSync(join(tmpdir(), 'pades-large-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a one-page PDF whose image XObject holds `imageBytes` of noise, in 1 MB chunks. */
async function writeLargePdf(path: string, imageBytes: number): Promise<void> {
  const fh = await open(path, 'w');
  let at = 0;
  const offsets: number[] = [];
  const put = async (s: string | Uint8Array): Promise<void> => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    await fh.write(b);
    at += b.length;
  };
  await put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
  const content = 'q 500 0 0 500 40 300 cm /Im1 Do Q';
  const width = 8000;
  const height = Math.floor(imageBytes / width);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>',
    `<< /Length ${content.length} >>\nstream\n${content}\nendstream`,
  ];
  for (const [i, body] of objects.entries()) {
    offsets.push(at);
    await put(`${i + 1} 0 obj\n${body}\nendobj\n`);
  }
  offsets.push(at);
  await put(`5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${width * height} >>\nstream\n`);
  const chunk = Buffer.alloc(MB);
  for (let left = width * height; left > 0; left -= MB) {
    randomFillSync(chunk);
    await put(left >= MB ? chunk : chunk.subarray(0, left));
  }
  await put('\nendstream\nendobj\n');
  const xref = at;
  let table = 'xref\n0 6\n0000000000 65535 f\r\n';
  for (const o of offsets) table += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  await put(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  await fh.close();
}

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
    await signPdf(source, sink, { signer: keySigner(h.seal.privateKey), certificate: h.seal.certificate, chain: [h.intermediate.certificate], clock: fixedClock(NOW), level: 'B-T', timeStamper: tsaOf(h) });
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
  if (await have('pdfsig')) t.match((await pdfsig(output)).out, /Total document signed[\s\S]*Signature is Valid/);
});
