/** Event schemas: one per event and version, topics `lienthong.<type>.v<version>`, data checked by type. */
import t from 'tap';
import {
  checkEvent,
  eventDefinitions,
  eventTopics,
  findEventDefinition,
  formatNumberSymbol,
  maxOfficePeople,
  validateEventData,
  type DocumentIssued,
  type EventData,
  type EventDefinition,
} from '../src/index.ts';
import { issued, samples, sent } from './samples.ts';

const definitions = Object.values(eventDefinitions) as unknown as EventDefinition[];

void t.test('every event has a versioned topic, a producer, a key, and a valid sample', async (t) => {
  t.same(definitions.map((d) => d.type).sort(), Object.keys(samples).sort());
  for (const d of definitions) {
    t.equal(d.topic, `lienthong.${d.type}.v${d.version}`);
    t.match(d.topic, /^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name');
    const r = validateEventData(d.type, d.version, samples[d.type]);
    t.same(r.ok ? [] : r.problems, [], d.type);
    t.type(d.keyOf(samples[d.type]), 'string');
    t.equal(findEventDefinition(d.type, d.version), d);
  }
  t.equal(new Set(eventTopics()).size, definitions.length);
  t.ok(eventTopics().includes('lienthong.document.issued.v1'));
});

void t.test(
  'keys: deliveries by recipient, documents by issuing office, statuses and receipts by delivery',
  async (t) => {
    t.equal(eventDefinitions.deliverySent.keyOf(sent()), 'hu-ba-vi');
    t.equal(eventDefinitions.documentIssued.keyOf(issued()), 'tu-hn');
    t.equal(
      eventDefinitions.directoryChanged.keyOf({
        entity: 'person',
        code: 'p1',
        change: 'created',
        revision: 1,
        at: 'x',
      }),
      'person:p1',
    );
  },
);

void t.test('the symbol in document.issued agrees with formatNumberSymbol', async (t) => {
  const d = issued();
  t.equal(formatNumberSymbol(d.numberSymbol), d.symbol);
});

void t.test('unknown types and versions are refused', async (t) => {
  const r = validateEventData('document.issued', 2, issued());
  t.notOk(r.ok);
  if (!r.ok) t.same(r.problems, [{ pointer: '', message: '"document.issued" v2 is not a defined event' }]);
  t.notOk(validateEventData('document.published', 1, {}).ok);
  t.notOk(validateEventData('__proto__', 1, {}).ok);
  t.throws(() => checkEvent({ type: 'document.published', schemaVersion: 1, data: {} }), {
    code: 'RECORDS_EVENT_TYPE_UNKNOWN',
  });
});

void t.test('bad data: every problem at its pointer, strings clean, date-times real', async (t) => {
  const bad: Record<string, unknown> = {
    ...issued(),
    secrecy: 'Mật',
    subject: 'Về việc\u0000',
    issuedAt: '2026-02-30T08:00:00Z',
    recipients: { offices: ['ok', 'not ok'] },
    extra: 1,
  };
  delete bad.office;
  const r = validateEventData('document.issued', 1, bad);
  t.notOk(r.ok);
  t.notOk(validateEventData('document.issued', 1, { ...issued(), office: undefined }).ok, 'a key holding undefined');
  const problems = r.ok ? [] : r.problems;
  const at = (pointer: string): string | undefined => problems.find((p) => p.pointer === pointer)?.message;
  t.equal(at('/office'), 'is required');
  t.match(at('/secrecy'), /must be one of/);
  t.match(at('/subject'), /control character/);
  t.equal(at('/issuedAt'), 'is not a real date and time');
  t.match(at('/recipients/offices/1'), /directory code/);
  t.equal(at('/extra'), 'Unexpected property');
  t.throws(() => checkEvent({ type: 'document.issued', schemaVersion: 1, data: bad }), {
    code: 'RECORDS_EVENT_DATA_INVALID',
    extra: { problems: Array },
  });
  t.equal(checkEvent({ type: 'delivery.sent', schemaVersion: 1, data: sent() }), eventDefinitions.deliverySent);
});

void t.test('hostile data: NFD text, invisible characters in any string, wrong shapes', async (t) => {
  const reason = (text: string): string[] => {
    const r = validateEventData('document.recalled', 1, { ...(samples['document.recalled'] as object), reason: text });
    return r.ok ? [] : r.problems.map((p) => `${p.pointer} ${p.message}`);
  };
  t.match(reason('Sai nơi nhận'.normalize('NFD'))[0], /^\/reason must be in Unicode NFC/);
  t.match(reason('Sai\u2066 nơi')[0], /^\/reason .*U\+2066/);
  t.match(reason('x'.repeat(1001))[0], /^\/reason/);
  for (const data of [null, [], 'x', 5, undefined])
    t.notOk(validateEventData('delivery.sent', 1, data).ok, String(data));
  t.notOk(
    validateEventData('delivery.status-changed', 1, { ...(samples['delivery.status-changed'] as object), status: '07' })
      .ok,
    'a status DOMAIN does not list',
  );
  t.notOk(
    validateEventData('record.archived', 1, {
      ...(samples['record.archived'] as object),
      retainUntil: '2036-13-01T00:00:00Z',
    }).ok,
  );
  t.ok(
    validateEventData('record.archived', 1, { ...(samples['record.archived'] as object), retainUntil: null }).ok,
    'permanent',
  );
});

void t.test('a value nested thousands deep is one problem, not a stack overflow', async (t) => {
  let deep: unknown = 'x';
  for (let i = 0; i < 100_000; i++) deep = [deep];
  const r = validateEventData('directory.changed', 1, { ...(samples['directory.changed'] as object), code: deep });
  t.notOk(r.ok);
  const problems = r.ok ? [] : r.problems;
  t.ok(problems.some((p) => p.pointer === '/code'));
  t.ok(problems.length <= 100);
  const r2 = validateEventData('directory.changed', 1, { ...(samples['directory.changed'] as object), extra: deep });
  t.ok(!r2.ok && r2.problems.some((p) => /nested more than 32 levels/.test(p.message)));
});

void t.test('date-times: impossible days, hours, seconds and offsets are refused', async (t) => {
  const at = (value: string): boolean =>
    validateEventData('directory.changed', 1, { ...(samples['directory.changed'] as object), at: value }).ok;
  t.ok(at('2028-02-29T23:59:59.123456789+07:00'));
  t.ok(at('2026-03-01T00:00:00-05:30'));
  for (const bad of [
    '2026-02-29T00:00:00Z',
    '2026-04-31T00:00:00Z',
    '2026-13-01T00:00:00Z',
    '2026-00-10T00:00:00Z',
    '2026-01-01T24:00:00Z',
    '2026-01-01T23:60:00Z',
    '2026-12-31T23:59:60Z',
    '2026-01-01T00:00:00+99:00',
    '2026-01-01T00:00:00',
    '2026-01-01',
    '２026-01-01T00:00:00Z',
  ]) {
    t.notOk(at(bad), bad);
  }
});

void t.test('EventData names the data type of an event', async (t) => {
  const data: EventData<'documentIssued'> = issued();
  const same: DocumentIssued = data;
  t.equal(same.office, 'tu-hn');
});

/** A `directory.changed` of an office with its facts: what the signing service registers. */
const officeFacts = (people = 2): Record<string, unknown> => ({
  ...(samples['directory.changed'] as object),
  code: 'VPTU-CM',
  office: {
    name: 'Văn phòng Tỉnh ủy Cà Mau',
    organisation: 'Tỉnh ủy Cà Mau',
    unit: 'Văn phòng Tỉnh ủy',
    locality: 'Cà Mau',
    level: 'province',
    parent: 'TU-CM',
    active: true,
    people: Array.from({ length: people }, (_, i) => ({
      subject: `person:p${i}`,
      name: 'Nguyễn Thị Hồng Nhung',
      title: 'Chánh Văn phòng',
    })),
  },
});

void t.test('directory.changed may carry an office with its people (optional: thin events stay valid)', async (t) => {
  const problems = (data: unknown): string[] => {
    const r = validateEventData('directory.changed', 1, data);
    return r.ok ? [] : r.problems.map((p) => `${p.pointer} ${p.message}`);
  };
  t.same(problems(officeFacts()), []);
  t.same(problems(officeFacts(maxOfficePeople)), [], 'the cap itself');
  t.same(problems(samples['directory.changed']), [], 'without facts');
  const root = officeFacts(0);
  (root.office as Record<string, unknown>).parent = null;
  delete (root.office as Record<string, unknown>).locality;
  t.same(problems(root), [], 'a root without a locality or people');
});

void t.test('directory.changed office facts: hostile values are refused where they are', async (t) => {
  const problems = (change: (office: Record<string, unknown>) => void): string[] => {
    const data = officeFacts();
    change(data.office as Record<string, unknown>);
    const r = validateEventData('directory.changed', 1, data);
    return r.ok ? [] : r.problems.map((p) => `${p.pointer} ${p.message}`);
  };
  t.same(
    problems(() => undefined),
    [],
  );
  // Exactly one problem, at the place it is.
  const one = (change: (office: Record<string, unknown>) => void, pattern: RegExp | string, name?: string): void => {
    const found = problems(change);
    t.equal(found.length, 1, name ?? String(pattern));
    t.match(found[0], pattern, name ?? String(pattern));
  };
  one(
    (o) => (o.people = (officeFacts(maxOfficePeople + 1).office as Record<string, unknown>).people),
    /^\/office\/people .*2000/,
    'one person over the cap',
  );
  one((o) => (o.extra = 1), '/office/extra Unexpected property');
  one(
    (o) => ((o.people as Record<string, unknown>[])[1]!.roles = ['signer']),
    '/office/people/1/roles Unexpected property',
  );
  one((o) => (o.unit = 'Văn phòng Tỉnh ủy'.normalize('NFD')), /^\/office\/unit must be in Unicode NFC/);
  one(
    (o) => ((o.people as Record<string, unknown>[])[0]!.title = 'Chánh\u202e Văn phòng'),
    /^\/office\/people\/0\/title /,
  );
  one((o) => ((o.people as Record<string, unknown>[])[0]!.subject = 'person nhung'), /^\/office\/people\/0\/subject /);
  one((o) => (o.organisation = ''), /^\/office\/organisation /);
  one((o) => (o.locality = 'x'.repeat(101)), /^\/office\/locality /);
  one((o) => delete o.people, '/office/people is required');
  one((o) => (o.active = 'false'), /^\/office\/active /);
});

void t.test('delivery.evidence-stamped: keyed by the document; the object a JSON object in the store', async (t) => {
  const sample = samples['delivery.evidence-stamped'] as EventData<'deliveryEvidenceStamped'>;
  t.equal(eventDefinitions.deliveryEvidenceStamped.keyOf(sample), 'doc-1');
  t.equal(eventDefinitions.deliveryEvidenceStamped.topic, 'lienthong.delivery.evidence-stamped.v1');
  const bad = (change: (d: Record<string, unknown>) => void): boolean => {
    const d = JSON.parse(JSON.stringify(sample)) as Record<string, unknown>;
    change(d);
    return validateEventData('delivery.evidence-stamped', 1, d).ok;
  };
  t.notOk(
    bad((d) => (d.count = 0)),
    'no empty part',
  );
  t.notOk(
    bad((d) => ((d.evidence as Record<string, unknown>).mediaType = 'application/pdf')),
    'JSON only',
  );
  t.notOk(
    bad((d) => ((d.evidence as Record<string, unknown>).cms = 'AAAA')),
    'no bytes in the event',
  );
  t.notOk(
    bad((d) => (d.stampedAt = '2026-02-30T00:00:00Z')),
    'a real instant',
  );
  t.notOk(
    bad((d) => ((d.evidence as { object: Record<string, unknown> }).object.bucket = '../x')),
    'a bucket name',
  );
  t.notOk(
    bad((d) => delete d.batchId),
    'the batch named',
  );
});

void t.test('archive.fixity-failed: keyed by the record, missing objects found nothing, outcomes closed', async (t) => {
  const d = eventDefinitions.archiveFixityFailed;
  const sample = samples['archive.fixity-failed'] as EventData<'archiveFixityFailed'>;
  t.equal(d.keyOf(sample), 'rec-1');
  t.equal(d.topic, 'lienthong.archive.fixity-failed.v1');
  const missing = { ...sample, outcome: 'missing', found: { sha256: null, size: null } };
  t.ok(validateEventData(d.type, d.version, missing).ok);
  t.notOk(validateEventData(d.type, d.version, { ...sample, outcome: 'ok' }).ok, 'an ok check is no failure');
  t.notOk(validateEventData(d.type, d.version, { ...sample, found: { sha256: 'AB'.repeat(32), size: 1 } }).ok);
  t.notOk(validateEventData(d.type, d.version, { ...sample, expected: { sha256: null, size: -1 } }).ok);
  t.notOk(validateEventData(d.type, d.version, { ...sample, extra: 1 }).ok);
});
