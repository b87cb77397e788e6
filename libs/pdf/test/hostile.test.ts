// Hostile and broken files end in a PdfError with a code, never a hang or a crash:
// truncation, bad offsets, /Prev loops, huge /Length, reference and page-tree loops,
// nesting bombs, inflate bombs, bad ByteRange.
import { deflateSync } from 'node:zlib';
import t, { type Test } from 'tap';
import { isPdfError, listPages, memorySink, memorySource, PdfDocument, type PdfErrorCode } from '../src/index.ts';
import { readPdfSignatures, signPdf } from '@lienthong/pades';
import { fixedClock, keySigner } from '@lienthong/pki';
import { hierarchy, NOW } from '../../pades/test/sign/support.ts';
import { fixturePdf } from './fixtures.ts';

/** A classic-xref PDF from object bodies (object i+1 = bodies[i]); `trailer` adds entries. */
function handmade(bodies: (string | Buffer)[], trailer = '', options: { prevSelf?: boolean } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  let at = parts[0]!.length;
  bodies.forEach((b, i) => {
    offsets.push(at);
    const chunk = Buffer.concat([
      Buffer.from(`${i + 1} 0 obj\n`),
      Buffer.isBuffer(b) ? b : Buffer.from(b, 'latin1'),
      Buffer.from('\nendobj\n'),
    ]);
    parts.push(chunk);
    at += chunk.length;
  });
  const xref = at;
  const prev = options.prevSelf === true ? ` /Prev ${xref}` : '';
  let table = `xref\n0 ${bodies.length + 1}\n0000000000 65535 f\r\n`;
  for (const o of offsets) table += `${String(o).padStart(10, '0')} 00000 n\r\n`;
  table += `trailer\n<< /Size ${bodies.length + 1} /Root 1 0 R${prev}${trailer} >>\nstartxref\n${xref}\n%%EOF\n`;
  parts.push(Buffer.from(table, 'latin1'));
  return Buffer.concat(parts);
}

const minimal = [
  '<< /Type /Catalog /Pages 2 0 R >>',
  '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
  '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 100] >>',
];

async function fails(t: Test, what: string, run: () => Promise<unknown>, codes: PdfErrorCode[]): Promise<void> {
  try {
    await run();
    t.fail(`${what}: no error`);
  } catch (e) {
    t.ok(isPdfError(e) && codes.includes(e.code), `${what}: ${String(e)}`);
  }
}

void t.test('the handmade baseline opens', async (t) => {
  const doc = await PdfDocument.open(memorySource(handmade(minimal)));
  t.equal((await listPages(doc)).length, 1);
});

void t.test('truncated, empty, not a PDF, bad startxref', async (t) => {
  const good = await fixturePdf();
  await fails(t, 'truncated at half', () => PdfDocument.open(memorySource(good.subarray(0, good.length >> 1))), [
    'PDF_XREF_INVALID',
    'PDF_MALFORMED',
  ]);
  await fails(t, 'empty', () => PdfDocument.open(memorySource(new Uint8Array())), ['PDF_MALFORMED']);
  await fails(
    t,
    'not a PDF',
    () => PdfDocument.open(memorySource(Buffer.from('hello world, this is not a pdf at all\nstartxref\n3\n%%EOF'))),
    ['PDF_MALFORMED'],
  );
  const bad = Buffer.from(
    handmade(minimal)
      .toString('latin1')
      .replace(/startxref\n\d+/, 'startxref\n99999999'),
    'latin1',
  );
  await fails(t, 'startxref beyond the end', () => PdfDocument.open(memorySource(bad)), ['PDF_XREF_INVALID']);
  const mid = Buffer.from(
    handmade(minimal)
      .toString('latin1')
      .replace(/startxref\n\d+/, 'startxref\n12'),
    'latin1',
  );
  await fails(t, 'startxref into an object', () => PdfDocument.open(memorySource(mid)), [
    'PDF_XREF_INVALID',
    'PDF_MALFORMED',
  ]);
});

void t.test('broken xref table and /Prev loop', async (t) => {
  await fails(
    t,
    '/Prev points at itself',
    () => PdfDocument.open(memorySource(handmade(minimal, '', { prevSelf: true }))),
    ['PDF_XREF_INVALID'],
  );
  const broken = Buffer.from(
    handmade(minimal).toString('latin1').replace('0000000000 65535 f', '00000000zz 65535 f'),
    'latin1',
  );
  await fails(t, 'garbage entry', () => PdfDocument.open(memorySource(broken)), ['PDF_XREF_INVALID']);
  const huge = Buffer.from(handmade(minimal).toString('latin1').replace('xref\n0 4', 'xref\n0 900000000'), 'latin1');
  await fails(t, 'huge subsection count', () => PdfDocument.open(memorySource(huge)), ['PDF_LIMIT_EXCEEDED']);
  const wrong = Buffer.from(
    handmade(minimal)
      .toString('latin1')
      .replace(/\n(\d{10}) 00000 n\r\n/, '\n0000000001 00000 n\r\n'),
    'latin1',
  );
  const doc = await PdfDocument.open(memorySource(wrong));
  await fails(t, 'xref offset to the wrong place', () => doc.getObject(1), ['PDF_XREF_INVALID', 'PDF_MALFORMED']);
});

void t.test('huge or wrong /Length: bounded search, then an error', async (t) => {
  const ok = await PdfDocument.open(
    memorySource(handmade([...minimal, '<< /Length 999999999999 >>\nstream\nabc\nendstream'])),
  );
  const s = await ok.getObject(4);
  t.ok(
    s !== null && typeof s === 'object' && s.kind === 'stream' && s.location?.length === 3,
    'finds endstream instead of trusting /Length',
  );
  const none = await PdfDocument.open(memorySource(handmade([...minimal, '<< /Length 999999999999 >>\nstream\nabc'])));
  await fails(t, 'no endstream', () => none.getObject(4), ['PDF_MALFORMED']);
  const self = await PdfDocument.open(
    memorySource(handmade([...minimal, '<< /Length 4 0 R >>\nstream\nabc\nendstream'])),
  );
  await fails(t, 'own /Length reference', () => self.getObject(4), ['PDF_MALFORMED']);
});

void t.test('reference chains, page-tree loops, nesting and inflate bombs', async (t) => {
  const chain = await PdfDocument.open(memorySource(handmade([...minimal, '5 0 R', '4 0 R'])));
  await fails(t, 'reference loop', () => chain.resolve({ kind: 'ref', num: 4, gen: 0 }), ['PDF_LIMIT_EXCEEDED']);
  const loop = await PdfDocument.open(
    memorySource(handmade(['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [2 0 R] /Count 1 >>'])),
  );
  await fails(t, 'page tree loop', () => listPages(loop), ['PDF_MALFORMED']);
  const deep = await PdfDocument.open(memorySource(handmade([...minimal, '['.repeat(5000) + ']'.repeat(5000)])));
  await fails(t, 'nesting bomb', () => deep.getObject(4), ['PDF_LIMIT_EXCEEDED']);
  const bomb = deflateSync(Buffer.alloc(80 * 1024 * 1024));
  const zip = await PdfDocument.open(
    memorySource(
      handmade([
        ...minimal,
        Buffer.concat([
          Buffer.from(`<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${bomb.length} >>\nstream\n`),
          bomb,
          Buffer.from('\nendstream'),
        ]),
      ]),
    ),
  );
  const s = await zip.getObject(4);
  await fails(
    t,
    'inflate bomb',
    () => (s !== null && typeof s === 'object' && s.kind === 'stream' ? zip.decodeStream(s) : Promise.resolve()),
    ['PDF_LIMIT_EXCEEDED'],
  );
});

void t.test('bad ByteRange and /Contents in a signature field', async (t) => {
  const form = (sig: string): Buffer =>
    handmade([
      '<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [4 0 R] >> >>',
      minimal[1]!,
      minimal[2]!,
      '<< /FT /Sig /T (S) /V 5 0 R >>',
      sig,
    ]);
  await fails(
    t,
    'ByteRange beyond the file',
    () => readPdfSignatures(memorySource(form('<< /Type /Sig /ByteRange [0 10 20 99999999] /Contents <3000> >>'))),
    ['PDF_SIGNATURE_INVALID'],
  );
  await fails(
    t,
    'ByteRange not starting at 0',
    () => readPdfSignatures(memorySource(form('<< /Type /Sig /ByteRange [5 10 20 5] /Contents <3000> >>'))),
    ['PDF_SIGNATURE_INVALID'],
  );
  await fails(
    t,
    'ByteRange of three numbers',
    () => readPdfSignatures(memorySource(form('<< /Type /Sig /ByteRange [0 10 20] /Contents <3000> >>'))),
    ['PDF_SIGNATURE_INVALID'],
  );
  await fails(
    t,
    'gap is not the /Contents',
    () => readPdfSignatures(memorySource(form('<< /Type /Sig /ByteRange [0 10 20 5] /Contents <3000> >>'))),
    ['PDF_SIGNATURE_INVALID'],
  );
});

void t.test(
  'random byte flips and truncations of a signed file: PdfError or success, never another error',
  async (t) => {
    const h = await hierarchy;
    const signed = memorySink();
    await signPdf(memorySource(await fixturePdf({ pages: 2 })), signed, {
      signer: keySigner(h.seal.privateKey),
      certificate: h.seal.certificate,
      clock: fixedClock(NOW),
    });
    const good = signed.bytes();
    // A fixed linear congruential sequence: the same mutations every run.
    let seed = 12345;
    const next = (n: number): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const others: string[] = [];
    for (let i = 0; i < 300; i++) {
      const bad = good.slice(0, i % 10 === 0 ? next(good.length) : good.length);
      for (let k = 0; k < 1 + next(8); k++) if (bad.length > 0) bad[next(bad.length)] = next(256);
      try {
        const doc = await PdfDocument.open(memorySource(bad));
        await listPages(doc);
        await readPdfSignatures(doc);
      } catch (e) {
        if (!isPdfError(e)) others.push(`${i}: ${String(e)}`);
      }
    }
    t.same(others, [], 'only PdfError');
  },
);
