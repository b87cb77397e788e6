// JPEG frame header reading for DCTDecode embedding (ITU-T T.81 §B.2.2).
import t from 'tap';
import { readJpegInfo } from '../../src/appearance/index.ts';

function segment(marker: number, data: number[]): number[] {
  return [0xff, marker, (data.length + 2) >> 8, (data.length + 2) & 0xff, ...data];
}
const sof = (marker: number, precision: number, h: number, w: number, n: number): number[] =>
  segment(marker, [precision, h >> 8, h & 0xff, w >> 8, w & 0xff, n, ...Array.from({ length: n * 3 }, () => 0x11)]);
const jfif = segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
const adobe = segment(0xee, [0x41, 0x64, 0x6f, 0x62, 0x65, 0, 100, 0, 0, 0, 0, 2]);
const jpeg = (...parts: number[][]): Uint8Array => new Uint8Array([0xff, 0xd8, ...parts.flat()]);

void t.test('baseline and progressive frames give size and components', async (t) => {
  t.same(readJpegInfo(jpeg(jfif, sof(0xc0, 8, 300, 400, 3))), {
    width: 400,
    height: 300,
    components: 3,
    isAdobe: false,
  });
  t.same(readJpegInfo(jpeg(jfif, segment(0xdb, new Array<number>(65).fill(1)), sof(0xc2, 8, 16, 16, 1))), {
    width: 16,
    height: 16,
    components: 1,
    isAdobe: false,
  });
  t.same(
    readJpegInfo(jpeg(adobe, [0xff, 0xff], sof(0xc1, 8, 5, 6, 4))),
    { width: 6, height: 5, components: 4, isAdobe: true },
    'fill bytes and APP14',
  );
});

void t.test('non-JPEG, truncated and unsupported frames fail with clear codes', async (t) => {
  t.throws(() => readJpegInfo(new Uint8Array([0x89, 0x50, 0x4e, 0x47])), { code: 'IMAGE_MALFORMED', message: /SOI/ });
  t.throws(() => readJpegInfo(jpeg(jfif)), { code: 'IMAGE_MALFORMED', message: /ends/ });
  t.throws(() => readJpegInfo(jpeg(jfif.slice(0, 8))), { code: 'IMAGE_MALFORMED', message: /truncated/ });
  t.throws(() => readJpegInfo(jpeg(segment(0xda, [1, 2, 3]))), { code: 'IMAGE_MALFORMED', message: /no frame header/ });
  t.throws(() => readJpegInfo(jpeg([0x12, 0x34, 0x56, 0x78])), { code: 'IMAGE_MALFORMED', message: /no marker/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc0, 12, 10, 10, 3))), { code: 'IMAGE_UNSUPPORTED', message: /12-bit/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc3, 8, 10, 10, 3))), { code: 'IMAGE_UNSUPPORTED', message: /Lossless/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc9, 8, 10, 10, 3))), { code: 'IMAGE_UNSUPPORTED', message: /Arithmetic/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc0, 8, 0, 10, 3))), { code: 'IMAGE_MALFORMED', message: /zero/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc0, 8, 10, 10, 2))), { code: 'IMAGE_UNSUPPORTED', message: /2 components/ });
  t.throws(() => readJpegInfo(jpeg(sof(0xc0, 8, 60000, 60000, 3))), { code: 'IMAGE_UNSUPPORTED', message: /pixels/ });
});
