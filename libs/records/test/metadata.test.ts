/** Document metadata: the schema and the rules beyond it, every problem with its JSON Pointer. */
import t from 'tap';
import { parseDocumentMetadata, validateDocumentMetadata, type Problem } from '../src/index.ts';
import { good } from './samples.ts';

const problemsOf = (value: unknown, options = {}): Problem[] => {
  const r = validateDocumentMetadata(value, options);
  return r.ok ? [] : r.problems;
};
const pointers = (value: unknown): string[] => problemsOf(value).map((p) => p.pointer);

void t.test('good metadata passes and comes back typed', async (t) => {
  const r = validateDocumentMetadata(good());
  t.ok(r.ok);
  t.same(parseDocumentMetadata(good()), good());
  const minimal = {
    ...good(),
    recipients: { groups: ['tat-ca'] },
    urgency: 'ordinary',
    signer: { person: 'p' },
  } as Record<string, unknown>;
  delete minimal.deadline;
  t.ok(validateDocumentMetadata(minimal).ok, 'groups alone, no deadline, signing in one’s own right');
});

void t.test('every problem is reported at once, each at its pointer', async (t) => {
  const value = {
    ...good(),
    type: 'DA',
    subject: ' Về việc\u202e',
    recipients: {},
    secrecy: 'secret',
    urgency: 'ordinary',
    deadline: '2026-02-31T00:00:00Z',
    signer: { person: 'p', authority: 'K/T' },
    extra: true,
  };
  const problems = problemsOf(value);
  const at = (pointer: string): string[] => problems.filter((p) => p.pointer === pointer).map((p) => p.message);
  t.same(at('/extra'), ['Unexpected property']);
  t.same(at('/type'), ['"DA" is not a document type; did you mean ĐA?']);
  t.match(at('/subject')[0], /U\+202E/);
  t.same(at('/recipients'), ['must name at least one recipient office or group']);
  t.match(at('/secrecy')[0], /Tối mật documents are not sent over the network/);
  t.ok(at('/deadline').some((m) => /only with an urgency/.test(m)));
  t.ok(at('/deadline').some((m) => /not a real date/.test(m)));
  t.match(at('/signer/onBehalfOf')[0], /for whom/);
});

void t.test('schema problems: missing, wrong types, unknown values, extra fields', async (t) => {
  t.same(
    problemsOf({}).map((p) => `${p.pointer} ${p.message}`),
    [
      '/type is required',
      '/issuingOffice is required',
      '/subject is required',
      '/recipients is required',
      '/secrecy is required',
      '/urgency is required',
      '/signer is required',
      '/retention is required',
      '/file is required',
    ],
  );
  t.same(pointers(null), ['']);
  t.same(pointers([]), ['']);
  t.same(pointers('metadata'), ['']);
  const wrong = {
    ...good(),
    secrecy: 'Mật',
    urgency: 'khẩn',
    retention: '15-years',
    file: { ...good().file, mediaType: 'text/html' },
  };
  const problems = problemsOf(wrong);
  t.match(
    problems.find((p) => p.pointer === '/secrecy')?.message,
    /must be one of "ordinary", "confidential", "secret", "top-secret"/,
  );
  t.match(problems.find((p) => p.pointer === '/urgency')?.message, /must be one of/);
  t.match(problems.find((p) => p.pointer === '/retention')?.message, /must be one of/);
  t.ok(problems.some((p) => p.pointer === '/file/mediaType'));
  t.same(pointers({ ...good(), signer: { person: 'p', onBehalfOf: 'BÍ THƯ' } }), ['/signer/authority']);
  t.same(pointers({ ...good(), issuingOffice: 'tỉnh ủy' }), ['/issuingOffice']);
  t.same(pointers({ ...good(), recipients: { offices: ['a', 'a'] } }), ['/recipients/offices']);
});

void t.test('Mật passes (it travels encrypted); Tuyệt mật does not', async (t) => {
  t.same(pointers({ ...good(), secrecy: 'confidential' }), []);
  t.same(pointers({ ...good(), secrecy: 'top-secret' }), ['/secrecy']);
});

void t.test('a deadline must be after now when now is given', async (t) => {
  const now = new Date('2026-03-02T12:00:00Z');
  t.same(
    problemsOf({ ...good(), deadline: '2026-03-02T18:00:00+07:00' }, { now }).map((p) => p.message),
    ['is already past'],
  );
  t.same(problemsOf({ ...good(), deadline: '2026-03-02T20:00:00+07:00' }, { now }), []);
  t.same(pointers({ ...good(), deadline: '2026-03-02 17:00' }), ['/deadline']);
  t.same(pointers({ ...good(), deadline: '2026-03-02T25:00:00Z' }), ['/deadline']);
});

void t.test('hostile subjects: NFD, control and invisible characters, padding, oversize', async (t) => {
  const subject = (s: string): string[] =>
    problemsOf({ ...good(), subject: s }).map((p) => `${p.pointer} ${p.message}`);
  t.match(subject('Về việc'.normalize('NFD'))[0], /^\/subject must be in Unicode NFC/);
  t.match(subject('Về\u0000việc')[0], /^\/subject must not contain a control character \(U\+0000 at character 3\)/);
  t.match(subject('Về\u200bviệc')[0], /invisible/);
  t.match(subject('Về việc ')[0], /white space/);
  t.match(subject('')[0], /^\/subject must not be empty/);
  t.match(subject('x'.repeat(1001))[0], /^\/subject .*1000/);
  t.equal(subject('x'.repeat(1000)).length, 0);
  t.match(subject('x'.repeat(5_000_000))[0], /1000/);
  t.match(
    problemsOf({ ...good(), signer: { person: 'p', authority: 'T/M', onBehalfOf: 'BAN\u202eTHƯỜNG' } })[0]?.message,
    /U\+202E/,
  );
});

void t.test('ten thousand bad recipients give at most 100 problems', async (t) => {
  const offices = Array.from({ length: 10_000 }, (_, i) => `bad office ${i}`);
  const problems = problemsOf({ ...good(), recipients: { offices } });
  t.equal(problems.length, 100);
  t.equal(problems[0]?.pointer, '/recipients/offices/0');
  t.same(pointers({ ...good(), recipients: { offices: Array.from({ length: 10_001 }, (_, i) => `o${i}`) } }), [
    '/recipients/offices',
  ]);
});

void t.test('parseDocumentMetadata throws RECORDS_METADATA_INVALID with the problems', async (t) => {
  t.throws(() => parseDocumentMetadata({ ...good(), type: 'XX' }), {
    code: 'RECORDS_METADATA_INVALID',
    status: 400,
    detail: /^\/type: "XX" is not a document type/,
    extra: { problems: [{ pointer: '/type' }] },
  });
});

void t.test('pointers escape ~ and / (RFC 6901)', async (t) => {
  t.same(pointers({ ...good(), 'a/b~c': 1 }), ['/a~1b~0c']);
});
