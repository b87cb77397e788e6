// The object parser (ISO 32000-1 §7.2–7.3) and serialiser round trip, with hostile inputs.
import t from 'tap';
import { Cursor } from '../src/lexer.ts';
import { MAX_STRING, parseObject } from '../src/parser.ts';
import {
  isPdfError,
  PdfBudget,
  pdfDict,
  pdfName,
  pdfString,
  serializeObject,
  decodeTextString,
  encodeTextString,
  type PdfObject,
} from '../src/index.ts';

const parse = (s: string): PdfObject => parseObject(new Cursor(Buffer.from(s, 'latin1'), 0, true));

void t.test('names with #xx, numbers, booleans, null, references', async (t) => {
  t.same(parse('/A#20B'), pdfName('A B'));
  t.same(parse('/Name1'), pdfName('Name1'));
  t.equal(parse('-12.5'), -12.5);
  t.equal(parse('.5'), 0.5);
  t.equal(parse('+7'), 7);
  t.equal(parse('true'), true);
  t.equal(parse('null'), null);
  t.same(parse('12 0 R'), { kind: 'ref', num: 12, gen: 0 });
  t.same(parse('[1 2 R 3]'), { kind: 'array', items: [{ kind: 'ref', num: 1, gen: 2 }, 3] });
  t.same(parse('[1 2 3]'), { kind: 'array', items: [1, 2, 3] });
});

void t.test('literal strings: escapes, balanced parentheses, octal, line continuation', async (t) => {
  const s = parse('(a\\(b\\) (c) \\101\\t\\\nd\r\ne)');
  t.equal(
    typeof s === 'object' && s !== null && s.kind === 'string' ? Buffer.from(s.bytes).toString('latin1') : '',
    'a(b) (c) A\td\ne',
  );
  const h = parse('<48 65 6C6C6F7>');
  t.same(
    h !== null && typeof h === 'object' && h.kind === 'string' ? Buffer.from(h.bytes).toString('latin1') : '',
    'Hellop',
  );
});

void t.test('dictionaries, comments, null entries dropped', async (t) => {
  const d = parse('<< /Type /Page % comment\n /Kids [ ] /X null /Sub << /A 1 >> >>');
  t.ok(d !== null && typeof d === 'object' && d.kind === 'dict');
  if (d !== null && typeof d === 'object' && d.kind === 'dict') {
    t.same([...d.entries.keys()], ['Type', 'Kids', 'Sub']);
  }
});

void t.test('serialise and parse back', async (t) => {
  const o = pdfDict({ Type: pdfName('Sig'), 'A B': pdfName('x/y'), Reason: pdfString('Ký (ban) hành\\'), N: 1.25 });
  const back = parse(Buffer.from(serializeObject(o)).toString('latin1'));
  t.same(back, o);
  t.equal(decodeTextString(encodeTextString('Số 138-CV/VPTU')), 'Số 138-CV/VPTU');
  t.equal(decodeTextString(encodeTextString('Plain')), 'Plain');
});

void t.test('hostile: deep nesting, unterminated values, bad tokens give PdfError', async (t) => {
  const cases = [
    '['.repeat(1000),
    '<< /A (unterminated',
    '<< /A <4G> >>',
    ')',
    '<< 1 2 >>',
    '/A#ZZ',
    '(' + 'x'.repeat(10),
  ];
  for (const c of cases) {
    let error: unknown;
    try {
      parse(c);
    } catch (e) {
      error = e;
    }
    t.ok(isPdfError(error), `rejects ${JSON.stringify(c.slice(0, 20))}: ${String(error)}`);
  }
});

void t.test('strings up to MAX_STRING bytes; beyond, PDF_LIMIT_EXCEEDED', async (t) => {
  const literal = parse(`(${'a'.repeat(MAX_STRING)})`);
  t.equal(
    literal !== null && typeof literal === 'object' && literal.kind === 'string' && literal.bytes.length,
    MAX_STRING,
  );
  t.throws(() => parse(`(${'a'.repeat(MAX_STRING + 2)})`), /String longer than MAX_STRING/);
  const hex = parse(`<${'ab'.repeat(MAX_STRING)}>`);
  t.equal(hex !== null && typeof hex === 'object' && hex.kind === 'string' && hex.bytes.length, MAX_STRING);
  t.throws(() => parse(`<${'ab'.repeat(MAX_STRING + 1)}>`), /Hex string longer than MAX_STRING/);
});

void t.test('with a budget, every value and every string and name byte is charged', async (t) => {
  const budget = new PdfBudget(1000);
  parseObject(new Cursor(Buffer.from('<< /Kids [1 0 R 2 0 R] /T (abc) /N <<>> >>', 'latin1'), 0, true), budget);
  // The dictionary 5, the array 2 and its 2 references, the string 5, the empty dictionary 5.
  t.equal(budget.items, 19);
  // Keys Kids, T, N and the string abc.
  t.equal(budget.stringBytes, 4 + 1 + 1 + 3);
  const small = new PdfBudget(1000, { maxItems: 5 });
  t.throws(
    () => parseObject(new Cursor(Buffer.from('[1 2 3 4 5 6 7 8]', 'latin1'), 0, true), small),
    /more than 5 items parsed.*maxItems 5, as configured/,
  );
  t.equal(small.items, 6, 'refused at the first value over');
});
