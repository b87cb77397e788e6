// Subset font objects: CID encoding, /W widths, ToUnicode, subset tag, NFC.
import { inflateSync } from 'node:zlib';
import t from 'tap';
import {
  createFontResource,
  isAppearanceError,
  loadDefaultFonts,
  measureText,
  openFontProgram,
} from '../../src/appearance/index.ts';
import { counter } from './helpers/mini-pdf.ts';

const fonts = loadDefaultFonts();
const regular = openFontProgram(fonts.regular);
const latin1 = (b: Uint8Array): string => Buffer.from(b).toString('latin1');

/** The stream data of a serialized stream object. */
function streamData(body: Uint8Array): Buffer {
  const s = latin1(body);
  const start = s.indexOf('stream\n') + 7;
  return Buffer.from(body.subarray(start, s.lastIndexOf('\nendstream')));
}

void t.test('Identity-H codes are the subset glyph ids, in first-use order', async (t) => {
  const { alloc } = counter(10);
  const font = createFontResource(regular, ['Nguyễn', 'Nhung'], alloc);
  t.equal(font.num, 10, 'the Type0 font takes the first number');
  t.same(
    font.objects.map((o) => o.num),
    [10, 11, 12, 13, 14],
  );
  // .notdef is glyph 0 of the subset, so the first character is CID 1.
  t.equal(font.encode('Nguyễn'), '<000100020003000400050006>');
  t.equal(font.encode('Nhung'), '<00010007000300060002>', 'N, u, n, g keep their CIDs; h is new');
  t.throws(() => font.encode('X'), { code: 'INVALID_ARGUMENT' }, 'a character outside the subset is refused');
  t.match(font.baseFont, /^[A-Z]{6}\+NotoSans-Regular$/, 'subset tag of six uppercase letters (§9.6.4)');
  t.equal(font.name, `LT${font.baseFont.slice(0, 6)}`);
  const again = createFontResource(regular, ['Nguyễn', 'Nhung'], counter(10).alloc);
  t.equal(again.baseFont, font.baseFont, 'the tag is stable for the same glyphs');
});

void t.test('decomposed input (NFD) encodes as the precomposed letters', async (t) => {
  const font = createFontResource(regular, ['Hồng'.normalize('NFD')], counter().alloc);
  t.equal(font.encode('Hồng'), font.encode('Hồng'.normalize('NFD')));
  t.equal(font.encode('Hồng').length, 2 + 4 * 4, 'four CIDs, the ồ one glyph');
});

void t.test('/W widths and widthOf agree with the font metrics', async (t) => {
  const font = createFontResource(regular, ['Số 138'], counter().alloc);
  const cidFont = latin1(font.objects[1]?.body ?? new Uint8Array());
  t.match(cidFont, /\/Subtype \/CIDFontType2/);
  t.match(cidFont, /\/CIDToGIDMap \/Identity/);
  // Noto Sans: S 549, ố 605, space 260, digits 572 (units per em 1000).
  t.match(cidFont, /\/W \[1 \[549 605 260 572 572 572\]\]/);
  t.equal(font.widthOf('Số 138', 10), (549 + 605 + 260 + 3 * 572) / 100);
  t.equal(measureText(regular, 'Số 138', 10), font.widthOf('Số 138', 10));
  const descriptor = latin1(font.objects[2]?.body ?? new Uint8Array());
  t.match(descriptor, /\/FontFile2 \d+ 0 R/);
  const file = font.objects[3]?.body ?? new Uint8Array();
  const length1 = Number(/\/Length1 (\d+)/.exec(latin1(file))?.[1]);
  const program = inflateSync(streamData(file));
  t.equal(program.length, length1, '/Length1 is the inflated size');
  t.ok(
    program.length < fonts.regular.length / 20,
    `the subset is small (${program.length} of ${fonts.regular.length} bytes)`,
  );
  t.ok([0x00010000, 0x74727565].includes(program.readUInt32BE(0)), "a TrueType sfnt (fontkit writes the 'true' tag)");
  t.ok(program.includes(Buffer.from('glyf')) && program.includes(Buffer.from('loca')), 'with glyf and loca tables');
});

void t.test('the ToUnicode CMap maps every CID back to its character', async (t) => {
  const font = createFontResource(regular, ['Đức ƯƠ'], counter().alloc);
  const cmap = inflateSync(streamData(font.objects[4]?.body ?? new Uint8Array())).toString('latin1');
  t.match(cmap, /1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange/);
  t.match(cmap, /6 beginbfchar/);
  for (const [cid, u] of [
    ['0001', '0110'],
    ['0002', '1EE9'],
    ['0003', '0063'],
    ['0004', '0020'],
    ['0005', '01AF'],
    ['0006', '01A0'],
  ]) {
    t.match(cmap, `<${cid}> <${u}>`, `CID ${cid} → U+${u}`);
  }
});

void t.test('characters the font lacks fail with FONT_MISSING_GLYPH', async (t) => {
  for (const text of ['Ký 中文', 'seal 🔴', '\u{E000}']) {
    t.throws(() => createFontResource(regular, [text], counter().alloc), { code: 'FONT_MISSING_GLYPH' }, text);
  }
  try {
    createFontResource(regular, ['Ký 中'], counter().alloc);
  } catch (e) {
    t.ok(isAppearanceError(e, 'FONT_MISSING_GLYPH'));
    t.match((e as Error).message, /U\+4E2D '中' at 3/, 'the message names the character and where');
  }
});

void t.test('bytes that are not a TrueType font fail with FONT_INVALID', async (t) => {
  t.throws(() => openFontProgram(new Uint8Array(0)), { code: 'FONT_INVALID' });
  t.throws(() => openFontProgram(new Uint8Array(1000).fill(7)), { code: 'FONT_INVALID' });
  t.throws(() => openFontProgram(fonts.regular.subarray(0, 200)), { code: 'FONT_INVALID' }, 'truncated font');
});
