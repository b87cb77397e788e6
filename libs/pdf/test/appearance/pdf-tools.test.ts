// The real check: appearances written into a PDF and read back by poppler
// (pdftotext, pdffonts, pdftoppm) and qpdf, in a temporary folder removed at the end.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  decodePng,
  loadDefaultFonts,
  pdfTextString,
  signatureAppearance,
  textFieldAppearance,
  type RasterImage,
} from '../../src/appearance/index.ts';
import { counter, writeMiniPdf } from './helpers/mini-pdf.ts';
import { sealPng } from './helpers/png-encode.ts';
import {
  pdffonts,
  pdftoppm,
  pdftotext,
  qpdfCheck,
  qpdfFormFields,
  skipUnless,
} from '../../../../test/support/judges.ts';

const fonts = loadDefaultFonts();
const dir = mkdtempSync(join(tmpdir(), 'lienthong-appearance-'));
const PAGE_H = 842;
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const signerLines = [
  { text: 'K/T BÍ THƯ', bold: true, size: 11 },
  { text: 'PHÓ BÍ THƯ', bold: true, size: 11 },
  { text: 'Nguyễn Thị Hồng Nhung', bold: true, size: 12 },
  { text: 'Ký ngày 23/11/2026 10:15:00 +07:00', size: 8 },
];

const skip = skipUnless('pdftotext', 'pdffonts', 'pdftoppm', 'qpdf');
const CHECK_PASSES = { ok: true, output: /No syntax or stream encoding errors found/ };

async function render(pdf: string, prefix: string): Promise<RasterImage> {
  return decodePng(
    new Uint8Array(readFileSync(await pdftoppm(pdf, join(dir, prefix), { format: 'png', resolution: 72 }))),
  );
}

/** Red pixels (a seal) inside a box given in PDF points (origin bottom left). */
function countRed(img: RasterImage, x0: number, y0: number, x1: number, y1: number): number {
  let n = 0;
  for (let y = Math.max(0, Math.floor(PAGE_H - y1)); y < Math.min(img.height, Math.ceil(PAGE_H - y0)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(img.width, Math.ceil(x1)); x++) {
      const i = (y * img.width + x) * img.channels;
      const [r, g, b] = [img.pixels[i] ?? 0, img.pixels[i + 1] ?? 0, img.pixels[i + 2] ?? 0];
      if (r > 150 && g < 110 && b < 110) n++;
    }
  }
  return n;
}

void t.test('signature blocks, seal and registry stamp render and extract', { skip }, async (t) => {
  const { alloc, peek } = counter();
  const seal = { bytes: sealPng(160), type: 'png' as const };
  const left = signatureAppearance({ width: 240, height: 90, lines: signerLines, image: seal }, fonts, alloc);
  const behind = signatureAppearance(
    {
      width: 200,
      height: 120,
      layout: 'image-behind',
      lines: [{ text: 'T/M BAN THƯỜNG VỤ', bold: true }, { text: 'BÍ THƯ', bold: true }, { text: 'Trần Văn Đức' }],
      image: seal,
    },
    fonts,
    alloc,
  );
  const number = textFieldAppearance({ width: 200, height: 20, text: 'Số 138-CV/VPTU', size: 11 }, fonts, alloc);
  const date = textFieldAppearance(
    { width: 260, height: 20, text: 'Cà Mau, ngày 23 tháng 11 năm 2026', size: 11, align: 'right' },
    fonts,
    alloc,
  );
  const pdf = writeMiniPdf({
    objects: [...left.objects, ...behind.objects, ...number.objects, ...date.objects],
    placements: [
      { name: 'X1', xobject: left.xobject, x: 300, y: 500 },
      { name: 'X2', xobject: behind.xobject, x: 300, y: 300 },
      { name: 'X3', xobject: number.xobject, x: 40, y: 760 },
      { name: 'X4', xobject: date.xobject, x: 295, y: 760 },
    ],
    next: peek(),
  });
  const file = join(dir, 'appearance.pdf');
  writeFileSync(file, pdf);

  const { text } = await pdftotext(file);
  for (const s of [
    'K/T BÍ THƯ',
    'PHÓ BÍ THƯ',
    'Nguyễn Thị Hồng Nhung',
    'Ký ngày 23/11/2026 10:15:00 +07:00',
    'T/M BAN THƯỜNG VỤ',
    'Trần Văn Đức',
    'Số 138-CV/VPTU',
    'Cà Mau, ngày 23 tháng 11 năm 2026',
    'ngày 23 tháng 11 năm 2026',
  ]) {
    t.ok(text.includes(s), `pdftotext extracts "${s}"`);
  }

  const { fonts: listed, output } = await pdffonts(file);
  t.ok(listed.length >= 3, `pdffonts lists the fonts:\n${output}`);
  for (const font of listed) {
    t.match(
      font,
      {
        name: /^[A-Z]{6}\+NotoSans-(Regular|Bold)$/,
        type: /^CID TrueType$/,
        encoding: /^Identity-H$/,
        embedded: true,
        subset: true,
        unicode: true,
      },
      `embedded, subset, unicode: ${font.line}`,
    );
  }

  t.match(await qpdfCheck(file), CHECK_PASSES, 'qpdf --check passes');

  const page = await render(file, 'appearance');
  t.equal(page.width, 595, 'rendered at 72 dpi');
  // image-left: the seal square is the left 86 pt of the 240x90 box at (300, 500).
  t.ok(countRed(page, 302, 502, 388, 588) > 800, 'the seal is red at the left of the signer block');
  t.equal(countRed(page, 392, 500, 540, 590), 0, 'no red where only the signer text is');
  t.ok(countRed(page, 340, 300, 460, 420) > 800, 'the seal is red behind the second block');
  t.equal(countRed(page, 40, 760, 240, 780), 0, 'the stamp text is black');
});

void t.test('a text field widget with /DR, /DA and /AP renders its appearance', { skip }, async (t) => {
  const { alloc, peek } = counter();
  const field = textFieldAppearance({ width: 220, height: 22, text: 'Số 138-CV/VPTU', size: 12 }, fonts, alloc);
  const widget = alloc();
  const acroForm = alloc();
  const next = peek();
  const page = next + 2;
  const enc = new TextEncoder();
  const pdf = writeMiniPdf({
    objects: [
      ...field.objects,
      {
        num: widget,
        body: enc.encode(
          `<< /Type /Annot /Subtype /Widget /FT /Tx /T (so_ky_hieu) /Ff 1 /F 4 /P ${page} 0 R /Rect [40 760 260 782] ` +
            `/V ${pdfTextString('Số 138-CV/VPTU')} /DA (${field.da}) /Q ${field.quadding} /AP << /N ${field.xobject} 0 R >> >>`,
        ),
      },
      {
        num: acroForm,
        body: enc.encode(
          `<< /Fields [${widget} 0 R] /DR << /Font << /${field.fontName} ${field.font} 0 R >> >> /DA (${field.da}) >>`,
        ),
      },
    ],
    placements: [],
    pageExtra: `/Annots [${widget} 0 R] `,
    catalogExtra: `/AcroForm ${acroForm} 0 R `,
    next,
  });
  const file = join(dir, 'field.pdf');
  writeFileSync(file, pdf);
  t.match(await qpdfCheck(file), CHECK_PASSES, 'qpdf --check passes');
  t.match(field.da, /^\/LT[A-Z]{6} 12 Tf 0 g$/, '/DA names the subset font');
  const fields = await qpdfFormFields(file);
  t.equal(fields[0]?.value, 'u:Số 138-CV/VPTU', 'qpdf reads the field value (u: marks a Unicode string)');
  const rendered = await render(file, 'field');
  let dark = 0;
  for (let y = PAGE_H - 782; y < PAGE_H - 760; y++) {
    for (let x = 40; x < 260; x++) if ((rendered.pixels[(y * rendered.width + x) * 3] ?? 255) < 100) dark++;
  }
  t.ok(dark > 100, `the widget appearance is drawn (${dark} dark pixels)`);
});

void t.test('a JPEG seal (DCTDecode) renders red', { skip }, async (t) => {
  // A real JPEG made by poppler from a page holding the PNG seal.
  const { alloc: a1, peek: p1 } = counter();
  const png = signatureAppearance(
    { width: 100, height: 100, lines: [], image: { bytes: sealPng(100), type: 'png' } },
    fonts,
    a1,
  );
  const source = join(dir, 'seal-source.pdf');
  writeFileSync(
    source,
    writeMiniPdf({
      objects: png.objects,
      placements: [{ name: 'S', xobject: png.xobject, x: 0, y: 0 }],
      next: p1(),
      pageWidth: 100,
      pageHeight: 100,
    }),
  );
  const jpeg = new Uint8Array(
    readFileSync(await pdftoppm(source, join(dir, 'seal'), { format: 'jpeg', resolution: 144 })),
  );

  const { alloc, peek } = counter();
  const sig = signatureAppearance(
    { width: 240, height: 90, lines: signerLines, image: { bytes: jpeg, type: 'jpeg' } },
    fonts,
    alloc,
  );
  t.match(
    new TextDecoder('latin1').decode(
      sig.objects.find((o) => new TextDecoder('latin1').decode(o.body).includes('/DCTDecode'))?.body.subarray(0, 200),
    ),
    /\/Width 200 \/Height 200 \/ColorSpace \/DeviceRGB/,
    'JPEG size and colour space come from its SOF',
  );
  const file = join(dir, 'jpeg.pdf');
  writeFileSync(
    file,
    writeMiniPdf({
      objects: sig.objects,
      placements: [{ name: 'X1', xobject: sig.xobject, x: 300, y: 500 }],
      next: peek(),
    }),
  );
  t.match(await qpdfCheck(file), CHECK_PASSES, 'qpdf --check passes');
  t.ok(countRed(await render(file, 'jpeg'), 302, 502, 388, 588) > 800, 'the JPEG seal is red');
  t.ok((await pdftotext(file)).text.includes('Nguyễn Thị Hồng Nhung'), 'the text still extracts');
});
