// Statements: one canonical encoding per statement, every event's rules, and strict reading
// of hostile bytes (each refusal with its code).
import t, { type Test } from 'tap';
import {
  encodeStatement,
  evidenceEvents,
  isEvidenceError,
  MAX_STATEMENT_BYTES,
  parseStatement,
  type EvidenceStatement,
} from '../src/index.ts';
import { DOCUMENT, DOCUMENT_SHA256, RECIPIENT, SENDER, statementOf } from './helpers/offices.ts';

const doc = { documentSha256: DOCUMENT_SHA256, documentLength: DOCUMENT.length };
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const text = (b: Uint8Array): string => new TextDecoder().decode(b);

const base: EvidenceStatement = {
  id: '0f8fad5b-d9cb-469f-a165-70867728950e',
  event: 'AcceptanceByRecipient',
  time: new Date('2026-06-01T07:30:00.000Z'),
  deliveryId: 'delivery-1',
  documentId: 'doc-1',
  documentSha256: DOCUMENT_SHA256,
  documentLength: 1234,
  senderOffice: SENDER,
  recipientOffice: RECIPIENT,
  actingOffice: RECIPIENT,
  incomingNumber: '125',
  reason: 'Đã vào sổ văn bản đến',
};

void t.test('the encoding is canonical JSON (RFC 8785): sorted members, no white space, UTF-8 as is', async (t) => {
  const bytes = encodeStatement(base);
  t.equal(
    text(bytes),
    `{"actingOffice":"HU-DT","deliveryId":"delivery-1","documentId":"doc-1","documentLength":1234,"documentSha256":"${DOCUMENT_SHA256}","event":"AcceptanceByRecipient","id":"0f8fad5b-d9cb-469f-a165-70867728950e","incomingNumber":"125","reason":"Đã vào sổ văn bản đến","recipientOffice":"HU-DT","senderOffice":"VPTU-HN","time":"2026-06-01T07:30:00.000Z","version":1}`,
  );
  t.same(encodeStatement({ ...base }), bytes, 'the same statement gives the same bytes');
  const reordered = Object.fromEntries(Object.entries(base).reverse()) as unknown as EvidenceStatement;
  t.same(encodeStatement(reordered), bytes, 'the order of the fields given does not matter');
  t.same(parseStatement(bytes), base, 'read back to the same statement');
});

void t.test('every event of the set encodes and reads back', async (t) => {
  for (const { event } of evidenceEvents) {
    const s = statementOf(event as EvidenceStatement['event'], doc);
    t.same(parseStatement(encodeStatement(s)), s, event);
  }
  const chained = statementOf('ContentHandover', { ...doc, previous: 'ab'.repeat(32) });
  t.equal(parseStatement(encodeStatement(chained)).previous, 'ab'.repeat(32), 'previous is kept');
});

const refusedWith = (t: Test, code: string, run: () => unknown, what: string): void => {
  try {
    run();
    t.fail(`${what}: accepted`);
  } catch (e) {
    t.ok(isEvidenceError(e), `${what}: an EvidenceError`);
    t.equal((e as { code: string }).code, code, `${what}: ${(e as Error).message}`);
  }
};

void t.test("an event's rules are enforced when encoding", async (t) => {
  const bad: [string, Record<string, unknown>][] = [
    ['an acceptance without an incoming number', { incomingNumber: undefined }],
    ['an acceptance signed by the sender', { actingOffice: SENDER }],
    ['a refusal without a reason', { event: 'RejectionByRecipient', incomingNumber: undefined, reason: undefined }],
    ['a consignment with an incoming number', { event: 'ContentConsignment', actingOffice: SENDER, reason: undefined }],
    [
      'a consignment acted by a third office',
      { event: 'ContentConsignment', actingOffice: 'HU-KB', incomingNumber: undefined, reason: undefined },
    ],
    [
      'an expiry without its deadline',
      { event: 'AcceptanceRejectionExpiry', actingOffice: SENDER, incomingNumber: undefined },
    ],
    [
      'a deadline after the expiry',
      {
        event: 'AcceptanceRejectionExpiry',
        actingOffice: SENDER,
        incomingNumber: undefined,
        deadline: new Date('2026-06-02T00:00:00Z'),
      },
    ],
    [
      'a consignment without a recipient',
      {
        event: 'ContentConsignment',
        recipientOffice: undefined,
        actingOffice: SENDER,
        incomingNumber: undefined,
        reason: undefined,
      },
    ],
    ['an unknown event', { event: 'Delivered' }],
    ['an id that is not a UUID', { id: 'not-a-uuid' }],
    ['an upper-case UUID', { id: '0F8FAD5B-D9CB-469F-A165-70867728950E' }],
    ['a document hash in upper case', { documentSha256: DOCUMENT_SHA256.toUpperCase() }],
    ['a negative length', { documentLength: -1 }],
    ['a fractional length', { documentLength: 1.5 }],
    ['an office code with a space', { senderOffice: 'VP TU' }],
    ['a reason with a right-to-left override', { reason: 'Sai \u202Eđịa chỉ' }],
    ['a reason not in NFC', { reason: 'Đa\u0303 nhận' }],
    ['a reason over 1000 characters', { reason: 'x'.repeat(1001) }],
    ['an invalid time', { time: new Date(Number.NaN) }],
    ['a previous that is not a SHA-256', { previous: 'abc' }],
  ];
  for (const [what, change] of bad)
    refusedWith(t, 'EVIDENCE_STATEMENT_FIELD_INVALID', () => encodeStatement({ ...base, ...change }), what);
});

void t.test('hostile bytes are refused with a code saying why', async (t) => {
  const good = text(encodeStatement(base));
  const cases: [string, string, Uint8Array][] = [
    [
      'EVIDENCE_STATEMENT_TOO_LARGE',
      'over the budget',
      utf8(`${good.slice(0, -1)},"reason":"${'x'.repeat(MAX_STATEMENT_BYTES)}"}`),
    ],
    ['EVIDENCE_STATEMENT_MALFORMED', 'not UTF-8', Uint8Array.of(0x7b, 0xff, 0x7d)],
    ['EVIDENCE_STATEMENT_MALFORMED', 'a BOM', utf8(`\uFEFF${good}`)],
    ['EVIDENCE_STATEMENT_MALFORMED', 'truncated', utf8(good.slice(0, -1))],
    ['EVIDENCE_STATEMENT_MALFORMED', 'an array', utf8(`[${good}]`)],
    ['EVIDENCE_STATEMENT_MALFORMED', 'a string', utf8('"statement"')],
    ['EVIDENCE_STATEMENT_MALFORMED', 'empty', new Uint8Array()],
    [
      'EVIDENCE_STATEMENT_DUPLICATE_FIELD',
      'a repeated member',
      utf8(good.replace('{"actingOffice":"HU-DT"', '{"actingOffice":"VPTU-HN","actingOffice":"HU-DT"')),
    ],
    [
      'EVIDENCE_STATEMENT_DUPLICATE_FIELD',
      'a repeated member spelt with an escape',
      utf8(good.replace('{"actingOffice":"HU-DT"', '{"\\u0061ctingOffice":"VPTU-HN","actingOffice":"HU-DT"')),
    ],
    ['EVIDENCE_STATEMENT_UNKNOWN_FIELD', 'an unknown member', utf8(good.replace('{', '{"amount":1,'))],
    ['EVIDENCE_STATEMENT_UNKNOWN_FIELD', 'a __proto__ member', utf8(good.replace('{', '{"__proto__":{"x":1},'))],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'a number where a string goes',
      utf8(good.replace('"incomingNumber":"125"', '"incomingNumber":125')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'null where a string goes',
      utf8(good.replace('"reason":"Đã vào sổ văn bản đến"', '"reason":null')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'a string length',
      utf8(good.replace('"documentLength":1234', '"documentLength":"1234"')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'an object time',
      utf8(good.replace('"time":"2026-06-01T07:30:00.000Z"', '"time":{}')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'a time without milliseconds',
      utf8(good.replace('07:30:00.000Z', '07:30:00Z')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'a time that is no date',
      utf8(good.replace('2026-06-01T07', '2026-02-30T07')),
    ],
    ['EVIDENCE_STATEMENT_FIELD_INVALID', 'another version', utf8(good.replace('"version":1', '"version":2'))],
    ['EVIDENCE_STATEMENT_FIELD_INVALID', 'no version', utf8(good.replace(',"version":1', ''))],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'no id',
      utf8(good.replace('"id":"0f8fad5b-d9cb-469f-a165-70867728950e",', '')),
    ],
    [
      'EVIDENCE_STATEMENT_FIELD_INVALID',
      'a length beyond 2^53',
      utf8(good.replace('"documentLength":1234', '"documentLength":9007199254740993')),
    ],
    ['EVIDENCE_STATEMENT_NOT_CANONICAL', 'white space', utf8(good.replace(',', ', '))],
    [
      'EVIDENCE_STATEMENT_NOT_CANONICAL',
      'members out of order',
      utf8(
        good.replace(
          '{"actingOffice":"HU-DT","deliveryId":"delivery-1"',
          '{"deliveryId":"delivery-1","actingOffice":"HU-DT"',
        ),
      ),
    ],
    ['EVIDENCE_STATEMENT_NOT_CANONICAL', 'a needless escape', utf8(good.replace('"125"', '"\\u0031\\u00325"'))],
    [
      'EVIDENCE_STATEMENT_NOT_CANONICAL',
      'a length written 1.234e3',
      utf8(good.replace('"documentLength":1234', '"documentLength":1.234e3')),
    ],
    ['EVIDENCE_STATEMENT_NOT_CANONICAL', 'a trailing newline', utf8(`${good}\n`)],
  ];
  for (const [code, what, bytes] of cases) refusedWith(t, code, () => parseStatement(bytes), what);
  const deep = utf8(`${good.slice(0, -1)},"x":${'['.repeat(3000)}${']'.repeat(3000)}}`);
  refusedWith(t, 'EVIDENCE_STATEMENT_UNKNOWN_FIELD', () => parseStatement(deep), 'a deep nesting within the budget');
});
