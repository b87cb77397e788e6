// Wrapping and fitting of the signer's lines; the content stream they produce.
import t from 'tap';
import {
  loadDefaultFonts,
  measureText,
  openFontProgram,
  signatureAppearance,
  textFieldAppearance,
  wrapText,
} from '../../src/appearance/index.ts';
import { counter } from './helpers/mini-pdf.ts';

const fonts = loadDefaultFonts();
const regular = openFontProgram(fonts.regular);
const content = (body: Uint8Array): string => {
  const s = Buffer.from(body).toString('latin1');
  return s.slice(s.indexOf('stream\n') + 7, s.lastIndexOf('\nendstream'));
};

void t.test('wrapText breaks at spaces and inside words too long for a line', async (t) => {
  const text = 'Cà Mau, ngày 23 tháng 11 năm 2026';
  t.same(wrapText(regular, text, 10, 1000), [text], 'fits on one line');
  const lines = wrapText(regular, text, 10, 80);
  t.ok(lines.length > 1, `wrapped into ${lines.length} lines`);
  t.equal(lines.join(' '), text, 'only the break spaces are dropped');
  for (const l of lines) t.ok(measureText(regular, l, 10) <= 80, `"${l}" fits 80 pt`);
  const long = wrapText(regular, 'Nguyễn'.repeat(10), 10, 50);
  t.equal(long.join(''), 'Nguyễn'.repeat(10), 'a long word is split between characters');
  for (const l of long) t.ok(measureText(regular, l, 10) <= 50);
  t.same(wrapText(regular, '  a   b  ', 10, 1000), ['a b'], 'runs of spaces collapse');
});

void t.test('the signer block is centred and shrinks to fit', async (t) => {
  const lines = [
    { text: 'K/T BÍ THƯ', bold: true },
    { text: 'PHÓ BÍ THƯ', bold: true },
    { text: 'Nguyễn Thị Hồng Nhung', bold: true },
  ];
  const roomy = signatureAppearance({ width: 300, height: 100, lines }, fonts, counter().alloc);
  const c = content(roomy.objects[0]?.body ?? new Uint8Array());
  t.match(c, /\/F1 10 Tf/, 'the asked size when it fits');
  t.equal(c.match(/ Tj/g)?.length, 3, 'one Tj per line');
  const xs = [...c.matchAll(/1 0 0 1 ([\d.]+) ([\d.]+) Tm/g)].map((m) => [Number(m[1]), Number(m[2])] as const);
  t.ok(xs[0] !== undefined && xs[1] !== undefined && xs[0][1] > xs[1][1], 'lines go down the box');
  const w = measureText(openFontProgram(fonts.bold), 'K/T BÍ THƯ', 10);
  t.ok(Math.abs((xs[0]?.[0] ?? 0) - (150 - w / 2)) < 0.01, 'the first line is centred');
  t.match(Buffer.from(roomy.objects[0]?.body ?? new Uint8Array()).toString('latin1'), /\/BBox \[0 0 300 100\]/);

  const tight = signatureAppearance({ width: 120, height: 40, lines }, fonts, counter().alloc);
  const size = Number(/\/F1 ([\d.]+) Tf/.exec(content(tight.objects[0]?.body ?? new Uint8Array()))?.[1]);
  t.ok(size < 10 && size >= 4, `shrunk to ${size} pt`);
});

void t.test('image-left keeps the text right of the seal; an image alone is allowed', async (t) => {
  const png = (await import('./helpers/png-encode.ts')).sealPng(50);
  const sig = signatureAppearance(
    { width: 200, height: 80, lines: [{ text: 'BÍ THƯ' }], image: { bytes: png, type: 'png' } },
    fonts,
    counter().alloc,
  );
  const c = content(sig.objects[0]?.body ?? new Uint8Array());
  t.match(c, /q 76 0 0 76 2 2 cm \/Im1 Do Q/, 'the seal fills the 76 pt square at the left');
  const x = Number(/1 0 0 1 ([\d.]+) /.exec(c)?.[1]);
  t.ok(x > 80, `the text starts right of the seal (x=${x})`);
  const only = signatureAppearance(
    { width: 80, height: 80, lines: [], image: { bytes: png, type: 'png' } },
    fonts,
    counter().alloc,
  );
  t.notMatch(content(only.objects[0]?.body ?? new Uint8Array()), /BT/, 'no text object');
  t.equal(only.objects.length, 3, 'form, image and its soft mask');
});

void t.test('text field: /DA agrees with the appearance, alignment and single-line shrinking', async (t) => {
  const right = textFieldAppearance(
    { width: 300, height: 20, text: 'Cà Mau, ngày 23 tháng 11 năm 2026', align: 'right' },
    fonts,
    counter().alloc,
  );
  t.equal(right.quadding, 2);
  t.equal(right.size, 10);
  const c = content(right.objects[0]?.body ?? new Uint8Array());
  t.match(c, /^\/Tx BMC\n/, 'marked content /Tx');
  t.match(c, new RegExp(`/${right.fontName} 10 Tf`));
  const x = Number(/1 0 0 1 ([\d.]+) /.exec(c)?.[1]);
  t.ok(
    Math.abs(x + measureText(regular, 'Cà Mau, ngày 23 tháng 11 năm 2026', 10) - 298) < 0.01,
    'right aligned at the padding',
  );
  const narrow = textFieldAppearance(
    { width: 100, height: 20, text: 'Cà Mau, ngày 23 tháng 11 năm 2026' },
    fonts,
    counter().alloc,
  );
  t.ok(narrow.size < 10, `one line shrunk to ${narrow.size} pt`);
  t.equal(content(narrow.objects[0]?.body ?? new Uint8Array()).match(/ Tj/g)?.length, 1, 'never wrapped');
  t.equal(narrow.da, `/${narrow.fontName} ${narrow.size} Tf 0 g`);
  const multi = textFieldAppearance(
    { width: 100, height: 60, text: 'Cà Mau, ngày 23 tháng 11 năm 2026', multiline: true },
    fonts,
    counter().alloc,
  );
  t.ok((content(multi.objects[0]?.body ?? new Uint8Array()).match(/ Tj/g)?.length ?? 0) > 1, 'multiline wraps');
});

void t.test('a name slightly too wide shrinks on one line; a much too wide one wraps', async (t) => {
  const bold = openFontProgram(fonts.bold);
  const name = 'Nguyễn Thị Hồng Nhung';
  const w11 = measureText(bold, name, 11);
  const slightly = signatureAppearance(
    { width: w11 * 0.9 + 4, height: 60, lines: [{ text: name, bold: true, size: 11 }] },
    fonts,
    counter().alloc,
  );
  const c1 = content(slightly.objects[0]?.body ?? new Uint8Array());
  t.equal(c1.match(/ Tj/g)?.length, 1, 'one line');
  t.ok(Number(/\/F1 ([\d.]+) Tf/.exec(c1)?.[1]) < 11, 'smaller than asked');
  const much = signatureAppearance(
    { width: w11 * 0.6 + 4, height: 60, lines: [{ text: name, bold: true, size: 11 }] },
    fonts,
    counter().alloc,
  );
  const c2 = content(much.objects[0]?.body ?? new Uint8Array());
  t.equal(c2.match(/ Tj/g)?.length, 2, 'two lines: the name wraps at a space');
  t.match(c2, /\/F1 11 Tf/, 'at the asked size');
});
