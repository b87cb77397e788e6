import t, { type Test } from 'tap';
import { createEnvelope, maxEnvelopeBytes, parseEnvelope, serializeEnvelope } from '../src/envelope.ts';
import { BusError } from '../src/errors.ts';
import { deadLetterHeaders, envelopeHeaders, headersToStrings } from '../src/headers.ts';

const good = {
  id: '7f1c2a52-54c5-4c8e-9a3f-0c6f1d9e2b11',
  type: 'document.issued',
  schemaVersion: 1,
  source: 'intake',
  subject: 'doc-1',
  time: '2026-03-01T08:00:00.000Z',
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  data: { number: '12-QĐ/TU' },
};

const rejects = (t: Test, value: unknown, pattern: RegExp, what: string): void => {
  t.throws(() => parseEnvelope(value), { name: 'BusError', code: 'BUS_ENVELOPE_INVALID', message: pattern }, what);
};

void t.test('createEnvelope fills id and time and validates', async (t) => {
  const e = createEnvelope({ type: 'document.issued', source: 'intake', subject: 'doc-1', data: { a: 1 } });
  t.match(e.id, /^[0-9a-f-]{36}$/);
  t.equal(e.schemaVersion, 1);
  t.ok(!Number.isNaN(Date.parse(e.time)));
  t.notOk('traceparent' in e, 'no traceparent key when none is given');
  t.same(parseEnvelope(serializeEnvelope(e)), e, 'round trip through JSON');
  const pinned = createEnvelope({ ...good });
  t.same(pinned, good, 'given id, time, version and traceparent are kept');
  t.throws(() => createEnvelope({ type: '', source: 'intake', subject: 's', data: 1 }), BusError);
  t.throws(() => createEnvelope({ type: 'a', source: 'intake', subject: 's', data: undefined }), /`data` is missing/);
});

void t.test('parseEnvelope accepts bytes, strings and objects and drops unknown fields', async (t) => {
  const json = JSON.stringify({ ...good, extension: 'x' });
  t.same(parseEnvelope(json), good);
  t.same(parseEnvelope(Buffer.from(json)), good);
  t.same(parseEnvelope(new Uint8Array(Buffer.from(json))), good);
  t.same(parseEnvelope({ ...good }), good);
  t.same(parseEnvelope({ ...good, data: null }).data, null, 'null data is data');
  const { traceparent: _, ...noTrace } = good;
  t.same(parseEnvelope(noTrace), noTrace);
});

void t.test('parseEnvelope rejects malformed and hostile input with the field named', async (t) => {
  rejects(t, 'not json', /not JSON/, 'garbage bytes');
  rejects(t, Buffer.from([0xff, 0xfe, 0x00]), /not JSON/, 'binary');
  rejects(t, null, /JSON object, got null/, 'null');
  rejects(t, '[1,2]', /JSON object, got array/, 'array');
  rejects(t, '"text"', /JSON object, got string/, 'JSON string');
  rejects(t, 42, /JSON object, got number/, 'number');
  rejects(t, { ...good, id: 5 }, /`id` must be a string, got number/, 'id type');
  rejects(t, { ...good, id: '' }, /`id` must not be empty/, 'empty id');
  rejects(t, { ...good, id: 'a b' }, /`id` must be printable ASCII/, 'id with space');
  rejects(t, { ...good, id: 'x'.repeat(129) }, /`id` must be at most 128/, 'long id');
  rejects(t, { ...good, type: 'document issued' }, /`type` must match/, 'type with space');
  rejects(t, { ...good, type: undefined }, /`type` must be a string, got undefined/, 'missing type');
  rejects(t, { ...good, source: 'in\ntake' }, /`source` must not contain control characters/, 'control character');
  rejects(t, { ...good, subject: 's'.repeat(1025) }, /`subject` must be at most 1024/, 'oversize subject');
  rejects(t, { ...good, schemaVersion: '1' }, /`schemaVersion`/, 'version as string');
  rejects(t, { ...good, schemaVersion: 0 }, /`schemaVersion`/, 'version 0');
  rejects(t, { ...good, schemaVersion: 1.5 }, /`schemaVersion`/, 'fractional version');
  rejects(t, { ...good, schemaVersion: Number.MAX_VALUE }, /`schemaVersion`/, 'huge version');
  rejects(t, { ...good, time: '2026-03-01' }, /`time` must be an RFC 3339/, 'date only');
  rejects(t, { ...good, time: '2026-13-45T99:00:00Z' }, /`time`/, 'impossible date');
  rejects(t, { ...good, traceparent: 'abc' }, /`traceparent`/, 'bad traceparent');
  rejects(
    t,
    { ...good, traceparent: '00-00000000000000000000000000000000-00f067aa0ba902b7-01' },
    /all zeros/,
    'zero trace id',
  );
  rejects(
    t,
    { ...good, traceparent: 'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' },
    /version ff/,
    'version ff',
  );
  rejects(
    t,
    { ...good, traceparent: '00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01' },
    /`traceparent`/,
    'upper-case hex',
  );
  rejects(t, { ...good, traceparent: null }, /`traceparent` must be a string/, 'null traceparent');
  const { data: _, ...noData } = good;
  rejects(t, noData, /`data` is missing/, 'no data');
  rejects(t, JSON.stringify(good).replace('"data"', '"__proto__"'), /`data` is missing/, '__proto__ instead of data');
  rejects(t, 'x'.repeat(maxEnvelopeBytes + 1), /at most 1000000 bytes/, 'oversize message is refused before parsing');
  rejects(t, '['.repeat(100_000), /not JSON|JSON object/, 'deep nesting');
  const polluted = parseEnvelope('{"__proto__": {"polluted": true}, ' + JSON.stringify(good).slice(1));
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
  t.equal(Object.getPrototypeOf(polluted), Object.prototype);
});

void t.test('serializeEnvelope refuses envelopes over the size limit', async (t) => {
  t.throws(() => serializeEnvelope({ ...good, data: 'x'.repeat(maxEnvelopeBytes) }), { code: 'BUS_ENVELOPE_INVALID' });
});

void t.test('headers carry id, type and traceparent; dead letters say why and from where', async (t) => {
  t.same(envelopeHeaders(good), {
    'lienthong-event-id': good.id,
    'lienthong-event-type': 'document.issued',
    traceparent: good.traceparent,
  });
  t.same(
    deadLetterHeaders({ topic: 'lienthong.x.v1', partition: 2, position: '41', attempts: 5, reason: 'r'.repeat(2000) }),
    {
      'lienthong-dlq-reason': 'r'.repeat(1000),
      'lienthong-dlq-source-topic': 'lienthong.x.v1',
      'lienthong-dlq-source-partition': '2',
      'lienthong-dlq-source-offset': '41',
      'lienthong-dlq-attempts': '5',
    },
  );
  t.same(headersToStrings({ a: Buffer.from('x'), b: 'y', c: [Buffer.from('1'), Buffer.from('2')], d: undefined }), {
    a: 'x',
    b: 'y',
    c: '2',
  });
});
