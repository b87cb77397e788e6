/**
 * A large PDF written to a file in 1 MB chunks, never held in memory: one page drawing an
 * 8-bit grey image XObject of `imageBytes` bytes of noise, classic xref table (ISO 32000-1 §7.5).
 */
import { randomFillSync } from 'node:crypto';
import { open } from 'node:fs/promises';
const MB = 1024 * 1024;

/** Writes the PDF to `path`; returns its size in bytes. */
export async function writeLargePdf(path: string, imageBytes: number): Promise<number> {
  const fh = await open(path, 'w');
  let at = 0;
  const offsets: number[] = [];
  const put = async (s: string | Uint8Array): Promise<void> => {
    const b = typeof s === 'string' ? Buffer.from(s, 'latin1') : s;
    await fh.write(b);
    at += b.length;
  };
  try {
    await put('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n');
    const content = 'q 500 0 0 500 40 300 cm /Im1 Do Q';
    const width = 8192;
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
    await put(
      `5 0 obj\n<< /Type /XObject /Subtype /Image /Width ${width} /Height ${height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Length ${width * height} >>\nstream\n`,
    );
    const chunk = randomFillSync(Buffer.alloc(MB));
    for (let left = width * height; left > 0; left -= MB) {
      // Vary the chunk cheaply so no layer can deduplicate it.
      chunk.writeUInt32LE(left, 0);
      await put(left >= MB ? chunk : chunk.subarray(0, left));
    }
    await put('\nendstream\nendobj\n');
    const xref = at;
    let table = 'xref\n0 6\n0000000000 65535 f\r\n';
    for (const o of offsets) table += `${String(o).padStart(10, '0')} 00000 n\r\n`;
    await put(`${table}trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`);
  } finally {
    await fh.close();
  }
  return at;
}
