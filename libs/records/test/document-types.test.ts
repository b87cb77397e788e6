/** Document types as data, and lookups that are exact about Unicode: Đ is not D, Ð is not Đ, case matters. */
import t from 'tap';
import {
  documentType,
  documentTypeCodePattern,
  documentTypeProblem,
  documentTypes,
  findDocumentType,
  similarDocumentTypes,
} from '../src/index.ts';

void t.test("the list holds DOMAIN.md's types, each once, NFC, with the code's shape", async (t) => {
  const codes = documentTypes.map((x) => x.code);
  t.same(codes, [
    'NQ',
    'QĐ',
    'QĐi',
    'CT',
    'KL',
    'QC',
    'HD',
    'BC',
    'KH',
    'CV',
    'TB',
    'BS',
    'CTr',
    'TT',
    'TTr',
    'ĐA',
    'BB',
    'GM',
  ]);
  t.equal(new Set(codes).size, codes.length);
  const shape = new RegExp(documentTypeCodePattern, 'u');
  for (const type of documentTypes) {
    t.match(type.code, shape, type.code);
    t.equal(type.code.normalize('NFC'), type.code);
    t.equal(type.name.normalize('NFC'), type.name, type.name);
    t.ok(type.gloss.length > 0 && type.source.length > 0);
  }
  t.ok(Object.isFrozen(documentTypes) && Object.isFrozen(documentTypes[0]));
});

void t.test('QĐ, QĐi, CTr, TTr and ĐA are found exactly', async (t) => {
  t.equal(documentType('QĐ').name, 'Quyết định');
  t.equal(documentType('QĐi').name, 'Quy định');
  t.equal(documentType('CTr').name, 'Chương trình');
  t.equal(documentType('TTr').name, 'Tờ trình');
  t.equal(documentType('ĐA').name, 'Đề án');
  t.equal(documentType('\u0110A').code, 'ĐA', 'U+0110 is Đ');
});

void t.test(
  'a D for Đ, a wrong case or the Icelandic eth is not a type, and the error says what was meant',
  async (t) => {
    t.equal(findDocumentType('DA'), undefined);
    t.equal(findDocumentType('QD'), undefined);
    t.equal(findDocumentType('QĐI'), undefined);
    t.equal(findDocumentType('\u00d0A'), undefined);
    t.match(documentTypeProblem('DA'), /did you mean ĐA\?/);
    t.match(documentTypeProblem('QD'), /did you mean QĐ\?/);
    t.match(documentTypeProblem('qđi'), /did you mean QĐi\?/);
    t.match(documentTypeProblem('ttr'), /did you mean TTr\?/);
    t.match(documentTypeProblem('\u00d0A'), /U\+00D0.*U\+0110/);
    t.match(documentTypeProblem('XYZ'), /^"XYZ" is not a document type$/);
    t.equal(documentTypeProblem('KL'), undefined);
    t.same(similarDocumentTypes('qd'), ['QĐ']);
    t.same(similarDocumentTypes('QĐ'), [], 'a type is not similar to itself');
  },
);

void t.test('look-alikes built of combining marks are not Đ', async (t) => {
  // D + combining short stroke overlay looks like Đ but has no canonical equivalence to it.
  const fake = 'D\u0335A';
  t.equal(fake.normalize('NFC'), fake);
  t.equal(findDocumentType(fake), undefined);
  t.match(documentTypeProblem(fake), /not a document type/);
  // Đ has no decomposition: NFD leaves QĐ as it is, so the Đ/D difference is one of letters, not of forms.
  t.equal('Q\u0110'.normalize('NFD'), 'QĐ');
});

void t.test('hostile codes are refused with a short message', async (t) => {
  const long = 'Q'.repeat(100_000);
  const problem = documentTypeProblem(long) ?? '';
  t.ok(problem.length < 100, 'the message does not echo the input');
  t.throws(() => documentType('\u0000'), { code: 'RECORDS_DOCUMENT_TYPE_UNKNOWN', status: 400 });
});

void t.test('a deployment may pass its own list', async (t) => {
  const types = [...documentTypes, { code: 'QyĐ', name: 'Quy định (riêng)', gloss: 'local', source: 'config' }];
  t.equal(documentType('QyĐ', types).gloss, 'local');
  t.equal(findDocumentType('QyĐ'), undefined);
});
