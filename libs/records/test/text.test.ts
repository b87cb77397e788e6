/** The rules for text a person reads: length, control, invisible and private-use characters, NFC, white space. */
import t from 'tap';
import { checkText, checkTransition, documentTypeProblem, isRecordsError, quote, textProblem } from '../src/index.ts';
import { shown } from './samples.ts';

const rules = { maxLength: 20 };

void t.test('clean Vietnamese text in NFC passes', async (t) => {
  t.equal(textProblem('Về việc học tập', rules), undefined);
  t.equal(textProblem('Đảng ủy', rules), undefined);
  t.equal(checkText('Hỏa tốc', rules, 'the mark'), 'Hỏa tốc');
});

void t.test('the same words in NFD are refused, naming NFC', async (t) => {
  const nfd = 'Về việc'.normalize('NFD');
  t.not(nfd, 'Về việc');
  t.match(textProblem(nfd, rules), /NFC/);
});

void t.test(
  'control, invisible, direction-changing, private-use and noncharacters are refused with their code point',
  async (t) => {
    const cases: [string, RegExp][] = [
      ['a\u0000b', /control character \(U\+0000 at character 2\)/],
      ['a\nb', /control character \(U\+000A/],
      ['a\u0085b', /control character \(U\+0085/],
      ['a\u007fb', /control character/],
      ['ab\u202e', /direction-changing character \(U\+202E at character 3\)/],
      ['a\u200bb', /invisible/],
      ['a\ufeffb', /invisible/],
      ['a\u00adb', /invisible/],
      ['a\u2028b', /separator/],
      ['a\ue000b', /private-use/],
      ['a\uffffb', /noncharacter/],
    ];
    for (const [value, expected] of cases) t.match(textProblem(value, rules), expected, shown(value));
  },
);

void t.test('line feeds pass only when multiline is asked for', async (t) => {
  t.equal(textProblem('a\nb', { maxLength: 5, multiline: true }), undefined);
  t.match(textProblem('a\rb', { maxLength: 5, multiline: true }), /control/);
});

void t.test('lone surrogates, blanks, padding and lengths are refused', async (t) => {
  t.match(textProblem('a\ud800b', rules), /lone surrogate/);
  t.match(textProblem('', rules), /empty/);
  t.match(textProblem('   ', rules), /blank/);
  t.match(textProblem(' a', rules), /white space/);
  t.match(textProblem('a\u00a0', rules), /white space/);
  t.match(textProblem('x'.repeat(21), rules), /at most 20 characters, got 21/);
  t.match(textProblem('ab', { maxLength: 5, minLength: 3 }), /at least 3/);
  t.equal(textProblem('', { maxLength: 5, minLength: 0 }), undefined);
});

void t.test('length counts code points, and a huge string is refused before it is scanned', async (t) => {
  t.equal(textProblem('😀'.repeat(20), rules), undefined);
  t.match(textProblem('x'.repeat(10_000_000), rules), /at most 20 characters$/);
});

void t.test('checkText throws RECORDS_TEXT_INVALID naming the field', async (t) => {
  t.throws(() => checkText('a\u0000', rules, 'subject'), {
    code: 'RECORDS_TEXT_INVALID',
    detail: /^subject must not contain/,
  });
  try {
    checkText('a\u0000', rules, 'subject');
  } catch (e) {
    t.ok(isRecordsError(e, 'RECORDS_TEXT_INVALID'), 'isRecordsError narrows it');
  }
});

void t.test(
  'quote writes hostile characters as escapes, so a message cannot be garbled by what it reports',
  async (t) => {
    t.equal(quote('Đảng ủy'), '"Đảng ủy"');
    t.equal(quote('a\u202eb\u0000c\u2028d\ud800'), '"a\\u{202E}b\\u{0}c\\u{2028}d\\u{D800}"');
    t.equal(quote('say "x" \\'), '"say \\"x\\" \\\\"');
    t.equal(quote('x'.repeat(50), 3), '"xxx…"');
    t.equal(quote(5), '5');
    t.equal(quote(undefined), 'undefined');
    t.equal(quote({ toString: () => 'evil' }), 'a value of type object');
    t.equal(
      quote(() => 1),
      'a value of type function',
    );
    const hostile = '\u202eDA\u2028';
    for (const message of [
      documentTypeProblem(hostile) ?? '',
      (checkTransition(hostile, 'draft') as { reason: string }).reason,
    ]) {
      t.notMatch(message, /[\u2028\u202e]/, shown(message));
    }
  },
);
