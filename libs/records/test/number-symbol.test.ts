/**
 * Numbers and symbols: DOMAIN.md's examples, the printed form without a colon, two-digit
 * numbers, joint bodies, hostile text, and format/parse round trips over generated values.
 */
import t from 'tap';
import {
  documentTypes,
  formatNumberSymbol,
  maxNumberSymbolLength,
  parseNumberSymbol,
  printNumberSymbol,
  readNumberSymbol,
  type NumberSymbol,
} from '../src/index.ts';

const reason = (text: string, options = {}): string => {
  const r = readNumberSymbol(text, options);
  return r.ok ? 'ok' : r.reason;
};

void t.test("DOMAIN.md's examples read as their parts", async (t) => {
  t.same(parseNumberSymbol('138-CV/VPTU'), { number: 138, type: 'CV', bodies: ['VPTU'] });
  t.same(parseNumberSymbol('71-KH/TU'), { number: 71, type: 'KH', bodies: ['TU'] });
  t.same(parseNumberSymbol('18-KL/TW'), { number: 18, type: 'KL', bodies: ['TW'] });
  t.same(parseNumberSymbol('05-HD/BTGTU'), { number: 5, type: 'HD', bodies: ['BTGTU'] }, 'BTGTU is one body');
  t.same(parseNumberSymbol('Số 127-QĐ/TW'), { number: 127, type: 'QĐ', bodies: ['TW'] });
  t.same(parseNumberSymbol('3-ĐA/ĐU'), { number: 3, type: 'ĐA', bodies: ['ĐU'] });
  t.same(parseNumberSymbol('12-QĐi/UBKTTU'), { number: 12, type: 'QĐi', bodies: ['UBKTTU'] });
});

void t.test('numbers print with at least two digits, and the printed form has no colon', async (t) => {
  t.equal(formatNumberSymbol({ number: 1, type: 'CT', bodies: ['TU'] }), '01-CT/TU');
  t.equal(formatNumberSymbol({ number: 127, type: 'QĐ', bodies: ['TW'] }), '127-QĐ/TW');
  t.equal(printNumberSymbol({ number: 127, type: 'QĐ', bodies: ['TW'] }), 'Số 127-QĐ/TW');
  t.equal(formatNumberSymbol({ number: 7, type: 'CV', bodies: ['HU'] }, { minDigits: 1 }), '7-CV/HU');
  t.equal(formatNumberSymbol({ number: 7, type: 'CV', bodies: ['HU'] }, { minDigits: 3 }), '007-CV/HU');
  t.equal(parseNumberSymbol('1-CV/HU').number, 1, 'unpadded numbers of other systems are read');
  t.equal(parseNumberSymbol('001-CV/HU').number, 1);
});

void t.test('joint symbols name the lead body first; joint: false refuses them', async (t) => {
  t.same(parseNumberSymbol('05-HD/BTGTU-BTCTU').bodies, ['BTGTU', 'BTCTU']);
  t.equal(formatNumberSymbol({ number: 5, type: 'HD', bodies: ['BTGTU', 'BTCTU'] }), '05-HD/BTGTU-BTCTU');
  t.match(reason('05-HD/BTGTU-BTCTU', { joint: false }), /joint/);
  t.match(reason('05-HD/A-B-C-D-E'), /5 bodies, more than 4/);
  t.match(reason('05-HD/TU-TU'), /twice/);
});

void t.test('malformed symbols are refused with a reason', async (t) => {
  const cases: [string, RegExp][] = [
    ['', /empty/],
    ['Số: 127-QĐ/TW', /colon after "Số"/],
    ['Số :127-QĐ/TW', /colon/],
    ['Số127-QĐ/TW', /prefix other than "Số "/],
    ['số 127-QĐ/TW', /prefix/],
    ['So 127-QĐ/TW', /prefix/],
    ['Số\u00a0127-QĐ/TW', /prefix/],
    ['127 -QĐ/TW', /white space/],
    ['Số  127-QĐ/TW', /white space/],
    [' 127-QĐ/TW', /white space/],
    ['127-QĐ/TW\n', /white space/],
    ['0-QĐ/TW', /number 0/],
    ['00-QĐ/TW', /number 0/],
    ['1234567890-QĐ/TW', /more than 9 digits/],
    ['1000000-QĐ/TW', /above 999999/],
    ['-5-QĐ/TW', /does not read/],
    ['127/QĐ/TW', /does not read/],
    ['127-QĐ', /does not read/],
    ['127-QĐ/', /does not read/],
    ['127-/TW', /does not read/],
    ['QĐ/TW', /does not read/],
    ['127-QD/TW', /"QD", not a document type; did you mean QĐ\?/],
    ['127-XX/TW', /"XX", not a document type$/],
    ['127-QĐ/tu', /body "tu"/],
    ['127-QĐ/TW-', /body ""/],
    ['127-QĐ/TW/VP', /body "TW\/VP"/],
    ['127-QĐ/1TW', /body "1TW"/],
    ['127-QĐ/ABCDEFGHIJKLMNOPQ', /body/],
  ];
  for (const [text, expected] of cases) t.match(reason(text), expected, JSON.stringify(text));
});

void t.test('look-alike dashes, slashes and Ð are named', async (t) => {
  t.match(reason('127\u2013QĐ/TW'), /en dash U\+2013/);
  t.match(reason('127\u2011QĐ/TW'), /non-breaking hyphen/);
  t.match(reason('127\u2212QĐ/TW'), /minus sign/);
  t.match(reason('127-QĐ\u2215TW'), /division slash/);
  t.match(reason('127-QĐ\uff0fTW'), /fullwidth solidus/);
  t.match(reason('127-Q\u00d0/TW'), /Icelandic eth/);
  t.match(reason('１２７-QĐ/TW'), /U\+FF11/, 'fullwidth digits');
  t.match(reason('127-QĐ/\u0422\u0423'), /U\+0422/, 'Cyrillic look-alikes');
});

void t.test('hostile text: over-long, control characters, other Unicode forms, lone surrogates', async (t) => {
  t.match(reason('1'.repeat(maxNumberSymbolLength + 1)), /longer than 80/);
  t.match(reason('127-QĐ/TW'.padEnd(1_000_000, 'W')), /longer than 80/);
  t.match(reason('127-QĐ/T\u0000W'), /control character U\+0000/);
  t.match(reason('127-QĐ/T\u202eW'), /U\+202E/);
  t.match(reason('127-QĐ/T\u200bW'), /U\+200B/);
  t.match(reason('Số 127-QĐ/TW'.normalize('NFD')), /NFC/, 'Số in NFD');
  t.match(reason('127-QĐ/T\ud800'), /lone surrogate/);
  t.match(reason(5 as unknown as string), /must be a string/);
  t.throws(() => parseNumberSymbol('127\u2013QĐ/TW'), {
    code: 'RECORDS_NUMBER_SYMBOL_INVALID',
    detail: /^"127–QĐ\/TW" contains the en dash/,
  });
});

void t.test('formatting refuses parts that would not read back as themselves', async (t) => {
  const bad: NumberSymbol[] = [
    { number: 0, type: 'CV', bodies: ['TU'] },
    { number: 1.5, type: 'CV', bodies: ['TU'] },
    { number: Number.NaN, type: 'CV', bodies: ['TU'] },
    { number: 1, type: 'XX', bodies: ['TU'] },
    { number: 1, type: 'CV', bodies: [] },
    { number: 1, type: 'CV', bodies: ['A-B'] },
    { number: 1, type: 'CV', bodies: ['tu'] },
  ];
  for (const value of bad) {
    t.throws(() => formatNumberSymbol(value), { code: 'RECORDS_NUMBER_SYMBOL_INVALID' }, JSON.stringify(value));
  }
});

/** mulberry32: a small seeded generator, so a failing case can be replayed. */
function generator(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

void t.test(
  'format then parse gives the parts back, and parse then format the canonical text (generated)',
  async (t) => {
    const random = generator(0x5eed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    const letters = 'ABCDEGHIKLMNOPQRSTUVXYĐ0123456789';
    const body = (): string =>
      pick('ABCĐHKTUVW'.split('')) +
      Array.from({ length: Math.floor(random() * 8) }, () => pick(letters.split(''))).join('');
    let checked = 0;
    for (let i = 0; i < 2000; i++) {
      const bodies = [...new Set(Array.from({ length: 1 + Math.floor(random() * 3) }, body))];
      const value: NumberSymbol = {
        number: 1 + Math.floor(random() ** 3 * 999_999),
        type: pick(documentTypes).code,
        bodies,
      };
      const text = formatNumberSymbol(value);
      const back = parseNumberSymbol(text);
      if (JSON.stringify(back) !== JSON.stringify(value)) t.fail(`${text} read as ${JSON.stringify(back)}`);
      if (formatNumberSymbol(back) !== text) t.fail(`${text} is not canonical`);
      if (parseNumberSymbol(`Số ${text}`).number !== value.number) t.fail(`Số ${text}`);
      checked++;
    }
    t.equal(checked, 2000);
  },
);

void t.test('mutated symbols never throw from readNumberSymbol; what still reads formats back to itself', async (t) => {
  const random = generator(42);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const alphabet = [
    '0',
    '1',
    '9',
    '-',
    '/',
    'Q',
    'Đ',
    'D',
    'Ð',
    'i',
    'r',
    'T',
    ' ',
    'Số ',
    '\u0000',
    '\u2013',
    '\u0301',
    '\ud800',
  ];
  const seeds = ['138-CV/VPTU', '71-KH/TU', '18-KL/TW', '05-HD/BTGTU', 'Số 127-QĐ/TW', '12-QĐi/UBKTTU', '3-ĐA/ĐU-HU'];
  let accepted = 0;
  for (let i = 0; i < 5000; i++) {
    const chars = [...pick(seeds)];
    for (let edits = 1 + Math.floor(random() * 2); edits > 0; edits--) {
      const at = Math.floor(random() * (chars.length + 1));
      const op = random();
      if (op < 0.33) chars.splice(at, 1);
      else if (op < 0.66) chars.splice(at, 0, pick(alphabet));
      else chars.splice(at, 1, pick(alphabet));
    }
    const text = chars.join('');
    const r = readNumberSymbol(text);
    if (r.ok) {
      accepted++;
      const again = parseNumberSymbol(formatNumberSymbol(r.value));
      if (JSON.stringify(again) !== JSON.stringify(r.value)) t.fail(JSON.stringify(text));
      if (['\u0000', '\u2013', '\u0301', 'Ð', ' '].some((c) => text.replace(/^Số /, '').includes(c)))
        t.fail(`accepted ${JSON.stringify(text)}`);
    } else if (
      r.reason.length === 0 ||
      r.reason.length > 200 ||
      !r.reason.isWellFormed() ||
      [...r.reason].some((c) => c.charCodeAt(0) < 0x20)
    ) {
      t.fail(`reason for ${JSON.stringify(text)}: ${r.reason}`);
    }
  }
  t.ok(accepted > 100 && accepted < 4900, `${accepted} of 5000 mutated symbols still read`);
});
