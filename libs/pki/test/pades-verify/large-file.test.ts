// Verifying a 200 MB signed PDF from a file: the ByteRange is hashed in
// chunks and the CMS verified against the precomputed digest, so RSS grows far
// less than the file. The bound guards against buffering the whole file.
import { randomFillSync } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { fixedClock, keySigner } from '../../src/index.ts';
import { createFileSink, openFileSource } from '../../src/pdf/index.ts';
import { signPdf } from '../../src/pades/index.ts';
import { verifyPdf } from '../../src/pades-verify/index.ts';
import { dir, h, NOW, ocspFor, tsaOf } from './support.ts';

const MB = 1024 * 1024;

/** A one-page PDF whose image XObject holds `bytes` of noise, written in 1 MB chunks. */
async function writeLargePdf(path: string, bytes: number): Promise<void> {
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
  const height = Math.floor(bytes / width);
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
    validationData: { certificates: [h.root.certificate], crls: [h.rootCrl, h.intermediateCrl], ocsps: [await ocspFor(h.seal.certificate)] },
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
