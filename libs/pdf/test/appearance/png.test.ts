// PNG decoding: every filter, colour type and bit depth a seal may come in; damage and Adam7 refused.
import { deflateSync } from 'node:zlib';
import t from 'tap';
import { decodePng } from '../../src/appearance/index.ts';
import { chunk, encodePng, sealPng } from './helpers/png-encode.ts';

void t.test('RGBA seal: samples and alpha survive all five filters', async (t) => {
  const img = decodePng(sealPng(41));
  t.equal(img.width, 41);
  t.equal(img.height, 41);
  t.equal(img.channels, 3);
  const at = (x: number, y: number): number[] => [...img.pixels.subarray((y * 41 + x) * 3, (y * 41 + x) * 3 + 3)];
  t.same(at(20, 20), [220, 20, 30], 'centre dot is seal red');
  t.same(at(20, 0), [220, 20, 30], 'outer ring is seal red');
  t.equal(img.alpha?.[20 * 41 + 20], 255, 'the seal is opaque');
  t.equal(img.alpha?.[0], 0, 'the corner is transparent');
  t.equal(img.alpha?.[10 * 41 + 20], 0, 'between the rings is transparent');
});

void t.test('RGB 8-bit with random content round-trips under each filter', async (t) => {
  const [w, h] = [13, 10];
  const rows = new Uint8Array(w * h * 3).map((_, i) => (i * 97 + (i >> 3) * 31) & 0xff);
  for (const f of [0, 1, 2, 3, 4]) {
    const img = decodePng(encodePng({ width: w, height: h, colorType: 2, depth: 8, rows, filter: () => f }));
    t.same(img.pixels, rows, `filter ${f}`);
    t.equal(img.alpha, undefined, 'no alpha plane for an opaque image');
  }
});

void t.test('palette with tRNS expands to RGB and alpha', async (t) => {
  const palette = new Uint8Array([255, 255, 255, 200, 0, 0, 0, 0, 255]);
  const trns = new Uint8Array([0, 255]);
  // 4-bit indices: 2 pixels per byte; row of 3 pixels = 2 bytes.
  const rows = new Uint8Array([0x01, 0x20, 0x10, 0x00]);
  const img = decodePng(encodePng({ width: 3, height: 2, colorType: 3, depth: 4, rows, palette, trns }));
  t.same([...img.pixels.subarray(0, 9)], [255, 255, 255, 200, 0, 0, 0, 0, 255]);
  t.same([...(img.alpha ?? [])], [0, 255, 255, 255, 0, 0], 'index 0 transparent, 1 opaque, 2 defaults to opaque');
});

void t.test('grey 1-bit, grey+alpha 8-bit, RGB 16-bit and grey tRNS key', async (t) => {
  const bw = decodePng(
    encodePng({ width: 10, height: 1, colorType: 0, depth: 1, rows: new Uint8Array([0b10100000, 0b01000000]) }),
  );
  t.same([...bw.pixels], [255, 0, 255, 0, 0, 0, 0, 0, 0, 255]);
  const ga = decodePng(
    encodePng({ width: 2, height: 1, colorType: 4, depth: 8, rows: new Uint8Array([10, 20, 30, 255]) }),
  );
  t.equal(ga.channels, 1);
  t.same([...ga.pixels], [10, 30]);
  t.same([...(ga.alpha ?? [])], [20, 255]);
  const deep = decodePng(
    encodePng({
      width: 1,
      height: 1,
      colorType: 2,
      depth: 16,
      rows: new Uint8Array([0xab, 0xcd, 0x12, 0x34, 0xff, 0x00]),
    }),
  );
  t.same([...deep.pixels], [0xab, 0x12, 0xff], '16-bit keeps the high byte');
  const keyed = decodePng(
    encodePng({
      width: 2,
      height: 1,
      colorType: 0,
      depth: 8,
      rows: new Uint8Array([7, 8]),
      trns: new Uint8Array([0, 7]),
    }),
  );
  t.same([...(keyed.alpha ?? [])], [0, 255], 'the tRNS grey key is transparent');
});

void t.test('interlaced, corrupt and truncated PNGs fail with clear codes', async (t) => {
  const rows = new Uint8Array(4 * 4 * 4);
  t.throws(() => decodePng(encodePng({ width: 4, height: 4, colorType: 6, depth: 8, rows, interlace: true })), {
    code: 'IMAGE_UNSUPPORTED',
    message: /Interlaced/,
  });
  const good = sealPng(20);
  t.throws(() => decodePng(good.subarray(0, 7)), { code: 'IMAGE_MALFORMED', message: /signature/ });
  t.throws(() => decodePng(good.subarray(0, good.length - 20)), { code: 'IMAGE_MALFORMED' }, 'truncated');
  const flipped = new Uint8Array(good);
  flipped[40] = (flipped[40] ?? 0) ^ 0xff;
  t.throws(() => decodePng(flipped), { code: 'IMAGE_MALFORMED', message: /CRC/ });
  t.throws(() => decodePng(new Uint8Array(100)), { code: 'IMAGE_MALFORMED' }, 'zeros');
  t.throws(() => decodePng(encodePng({ width: 0, height: 4, colorType: 6, depth: 8, rows })), {
    code: 'IMAGE_MALFORMED',
    message: /zero/,
  });
  t.throws(() => decodePng(encodePng({ width: 2, height: 2, colorType: 2, depth: 4, rows })), {
    code: 'IMAGE_MALFORMED',
    message: /bit depth/,
  });
  t.throws(() => decodePng(encodePng({ width: 2, height: 2, colorType: 6, depth: 8, rows, filter: () => 9 })), {
    code: 'IMAGE_MALFORMED',
    message: /filter 9/,
  });
  t.throws(
    () =>
      decodePng(
        encodePng({
          width: 2,
          height: 1,
          colorType: 3,
          depth: 8,
          rows: new Uint8Array([0, 5]),
          palette: new Uint8Array([1, 2, 3]),
        }),
      ),
    { code: 'IMAGE_MALFORMED', message: /palette index 5/ },
  );
  t.throws(() => decodePng(encodePng({ width: 2, height: 1, colorType: 3, depth: 8, rows: new Uint8Array(2) })), {
    code: 'IMAGE_MALFORMED',
    message: /PLTE/,
  });
  t.throws(
    () =>
      decodePng(
        encodePng({
          width: 100_000,
          height: 100_000,
          colorType: 0,
          depth: 1,
          rows: new Uint8Array(0),
          idat: deflateSync(new Uint8Array(64)),
        }),
      ),
    { code: 'IMAGE_UNSUPPORTED', message: /pixels/ },
    'a decompression bomb is refused from its header',
  );
});

void t.test('image data longer than the header says is refused, not inflated without bound', async (t) => {
  const png = Buffer.from(encodePng({ width: 2, height: 2, colorType: 0, depth: 8, rows: new Uint8Array(4) }));
  // Replace the image data with 1 MB of zeros compressed.
  const start = 8 + 25;
  const head = png.subarray(0, start);
  const bomb = Buffer.concat([
    head,
    chunk('IDAT', deflateSync(Buffer.alloc(1 << 20))),
    chunk('IEND', new Uint8Array(0)),
  ]);
  t.throws(() => decodePng(bomb), { code: 'IMAGE_MALFORMED', message: /inflate|bytes/ });
});
