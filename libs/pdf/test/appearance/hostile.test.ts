// Bad input gets a clear error code, and a refused appearance takes no object numbers.
import t from 'tap';
import {
  loadDefaultFonts,
  signatureAppearance,
  textFieldAppearance,
  type SignatureAppearanceOptions,
} from '../../src/appearance/index.ts';
import { counter } from './helpers/mini-pdf.ts';
import { sealPng } from './helpers/png-encode.ts';

const fonts = loadDefaultFonts();
const line = [{ text: 'BÍ THƯ' }];

void t.test('signature appearance refuses bad boxes, texts and images', async (t) => {
  const cases: [string, Partial<SignatureAppearanceOptions>, string][] = [
    ['zero width', { width: 0 }, 'INVALID_ARGUMENT'],
    ['negative height', { height: -5 }, 'INVALID_ARGUMENT'],
    ['NaN width', { width: Number.NaN }, 'INVALID_ARGUMENT'],
    ['huge box', { width: 1e6 }, 'INVALID_ARGUMENT'],
    ['no lines and no image', { lines: [] }, 'TEXT_EMPTY'],
    ['empty line', { lines: [{ text: '' }] }, 'TEXT_EMPTY'],
    ['blank line', { lines: [{ text: '   ' }] }, 'TEXT_EMPTY'],
    ['control character', { lines: [{ text: 'BÍ\u0000THƯ' }] }, 'TEXT_INVALID'],
    ['newline inside a line', { lines: [{ text: 'BÍ\nTHƯ' }] }, 'TEXT_INVALID'],
    ['lone surrogate', { lines: [{ text: 'a\uD800b' }] }, 'TEXT_INVALID'],
    ['very long text', { lines: [{ text: 'Nguyễn '.repeat(1000) }] }, 'TEXT_INVALID'],
    ['text that cannot fit', { lines: [{ text: 'Nguyễn Thị Hồng Nhung '.repeat(100) }] }, 'TEXT_DOES_NOT_FIT'],
    ['too many lines', { lines: Array.from({ length: 41 }, () => ({ text: 'a' })) }, 'TEXT_INVALID'],
    ['character outside the font', { lines: [{ text: 'Ký 签名' }] }, 'FONT_MISSING_GLYPH'],
    ['font size 0', { lines: [{ text: 'a', size: 0 }] }, 'INVALID_ARGUMENT'],
    ['padding eats the box', { padding: 60 }, 'INVALID_ARGUMENT'],
    ['unknown layout', { layout: 'image-right' as never }, 'INVALID_ARGUMENT'],
    ['corrupt PNG', { image: { bytes: sealPng(10).subarray(0, 60), type: 'png' } }, 'IMAGE_MALFORMED'],
    ['PNG said to be JPEG', { image: { bytes: sealPng(10), type: 'jpeg' } }, 'IMAGE_MALFORMED'],
    [
      'random bytes as JPEG',
      { image: { bytes: new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0xff, 0xff]), type: 'jpeg' } },
      'IMAGE_MALFORMED',
    ],
    ['GIF', { image: { bytes: new Uint8Array(10), type: 'gif' as never } }, 'IMAGE_UNSUPPORTED'],
    ['a line that is not an object', { lines: [null as never] }, 'INVALID_ARGUMENT'],
    ['image bytes not bytes', { image: { bytes: 'seal.png' as never, type: 'png' } }, 'INVALID_ARGUMENT'],
  ];
  for (const [name, patch, code] of cases) {
    const { alloc, peek } = counter();
    t.throws(
      () => signatureAppearance({ width: 120, height: 60, lines: line, ...patch }, fonts, alloc),
      { code },
      name,
    );
    t.equal(peek(), 1, `${name}: no object number taken`);
  }
});

void t.test('text field and fonts refuse bad input', async (t) => {
  const base = { width: 100, height: 20, text: 'Số 138-CV/VPTU' };
  t.throws(() => textFieldAppearance({ ...base, text: '' }, fonts, counter().alloc), { code: 'TEXT_EMPTY' });
  t.throws(() => textFieldAppearance({ ...base, text: 42 as never }, fonts, counter().alloc), {
    code: 'INVALID_ARGUMENT',
  });
  t.throws(() => textFieldAppearance({ ...base, height: 0 }, fonts, counter().alloc), { code: 'INVALID_ARGUMENT' });
  t.throws(() => textFieldAppearance({ ...base, width: 5 }, fonts, counter().alloc), { code: 'TEXT_DOES_NOT_FIT' });
  t.throws(() => textFieldAppearance({ ...base, align: 'justify' as never }, fonts, counter().alloc), {
    code: 'INVALID_ARGUMENT',
  });
  t.throws(() => textFieldAppearance({ ...base, size: 1000 }, fonts, counter().alloc), { code: 'INVALID_ARGUMENT' });
  t.throws(() => textFieldAppearance(base, { regular: new Uint8Array(64) }, counter().alloc), { code: 'FONT_INVALID' });
  t.throws(() => textFieldAppearance(base, {} as never, counter().alloc), { code: 'INVALID_ARGUMENT' });
  t.throws(() => textFieldAppearance(null as never, fonts, counter().alloc), { code: 'INVALID_ARGUMENT' });
  t.throws(() => signatureAppearance(undefined as never, fonts, counter().alloc), { code: 'INVALID_ARGUMENT' });
});
