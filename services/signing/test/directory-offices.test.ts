/**
 * The registered offices and people from intake's directory (issue 16): `directory.changed`
 * with an office's facts, published on the app's own bus (the Postgres log, as in embedded
 * mode), registers the office and its people. A seal then names the directory's legal name,
 * unit and locality; a renamed person's pending request is stale and a new one names the new
 * title; a person gone is not registered; an older revision replayed, the same event twice and
 * invalid data change nothing (the invalid one goes to the dead-letter topic); the offices
 * file no longer overwrites an office the directory published; a retired office gets no
 * certificate; its CA administrators no longer record its people.
 */
import t from 'tap';
import pg from 'pg';
import { createEnvelope, createPostgresBus, deadLetterTopic, type EventEnvelope } from '@lienthong/bus';
import { formatName, readCertificate } from '@lienthong/pki';
import { eventDefinitions, type DirectoryChanged } from '@lienthong/records';
import { authHeader } from '../../../test/support/auth.ts';
import { testEnv, waitFor } from '../../../test/support/env.ts';
import { headersOf, raAdminOf, testPin, type TestSigner } from './enrolment.ts';
import { signingForFile, startTestSigning } from './support.ts';

const signing = await signingForFile(t);
const { app, pool, schema } = signing;

// A publisher on the app's bus, as intake's outbox relay publishes in embedded mode.
const busPool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 2 });
const bus = createPostgresBus({ pool: busPool, schema: `${schema}_bus`, listen: false });
t.teardown(async () => {
  await bus.close();
  await busPool.end();
});
const topic = eventDefinitions.directoryChanged.topic;

type Person = { subject: string; name: string; title: string };
const an: Person = { subject: 'person:an', name: 'Nguyễn Văn An', title: 'Bí thư Thành ủy' };
const binh: Person = { subject: 'person:binh', name: 'Trần Thị Bình', title: 'Văn thư' };

/** An office event of VPTU-DN (not in the offices file) at `revision`. */
function danang(revision: number, people: Person[], extra: Partial<NonNullable<DirectoryChanged['office']>> = {}) {
  const data: DirectoryChanged = {
    entity: 'office',
    code: 'VPTU-DN',
    change: revision === 1 ? 'created' : 'updated',
    revision,
    at: '2026-03-01T02:00:00Z',
    office: {
      name: 'Văn phòng Thành ủy Đà Nẵng',
      organisation: 'Thành ủy Đà Nẵng',
      unit: 'Văn phòng Thành ủy',
      locality: 'Đà Nẵng',
      level: 'province',
      parent: 'TU-DN',
      active: true,
      people,
      ...extra,
    },
  };
  return data;
}

const envelopeOf = (data: unknown): EventEnvelope =>
  createEnvelope({
    type: 'directory.changed',
    schemaVersion: 1,
    source: 'intake',
    subject: `office:${(data as { code: string }).code}`,
    data,
  });

async function publish(...envelopes: EventEnvelope[]): Promise<void> {
  await bus.publish(
    envelopes.map((envelope) => ({ topic, key: `office:${(envelope.data as { code: string }).code}`, envelope })),
  );
}

const processed = async (id: string): Promise<boolean> =>
  ((await pool.query('SELECT 1 FROM processed_events WHERE event_id = $1', [id])).rowCount ?? 0) > 0;

/** Publishes `data` and waits until the app's consumer has handled it. */
async function applied(data: unknown): Promise<EventEnvelope> {
  const envelope = envelopeOf(data);
  await publish(envelope);
  await waitFor(`event ${envelope.id}`, () => processed(envelope.id));
  return envelope;
}

const office = async () =>
  (
    await pool.query<{ legal_name: string; unit: string; locality: string | null; source: string; revision: string }>(
      "SELECT legal_name, unit, locality, source, revision::text, active FROM office WHERE code = 'VPTU-DN'",
    )
  ).rows[0];
const people = async () =>
  (
    await pool.query<{ subject: string; full_name: string; title: string; recorded_by: string }>(
      "SELECT subject, full_name, title, recorded_by FROM person WHERE office = 'VPTU-DN' ORDER BY subject",
    )
  ).rows;

const admin = raAdminOf('VPTU-DN');
const signerAn: TestSigner = { subject: an.subject, office: 'VPTU-DN', name: an.name };
const askKey = () =>
  app.inject({ method: 'POST', url: '/v1/keys', headers: headersOf(signerAn), payload: { pin: testPin } });
const approve = (id: string) => app.inject({ method: 'POST', url: `/v1/key-requests/${id}/approval`, headers: admin });

void t.test(
  'an office the directory publishes is registered: a seal names its legal name, unit and locality',
  async (t) => {
    t.equal((await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} })).statusCode, 409);
    await applied(danang(1, [an, binh]));
    t.match(await office(), {
      legal_name: 'Thành ủy Đà Nẵng',
      unit: 'Văn phòng Thành ủy',
      locality: 'Đà Nẵng',
      source: 'directory',
      revision: '1',
    });
    t.same(
      (await people()).map((p) => [p.subject, p.full_name, p.title, p.recorded_by]),
      [
        [an.subject, an.name, an.title, 'directory'],
        [binh.subject, binh.name, binh.title, 'directory'],
      ],
    );
    const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
    t.equal(seal.statusCode, 201, seal.body);
    const der = await app.inject({ method: 'GET', url: `/v1/ca/certificates/${seal.json<{ id: string }>().id}` });
    t.equal(
      formatName(readCertificate(der.rawPayload).subject),
      'C=VN, L=Đà Nẵng, O=Thành ủy Đà Nẵng, organizationIdentifier=LT:VN-VPTU-DN, CN=Văn phòng Thành ủy',
    );
    const log = await pool.query<{ subject: string; action: string; detail: string }>(
      "SELECT subject, action, detail FROM signing_log WHERE office = 'VPTU-DN' AND subject = 'directory' ORDER BY id",
    );
    t.same(
      log.rows.map((r) => r.action),
      ['office-set', 'person-set', 'person-set'],
    );
    t.match(log.rows[1]?.detail, /person:an: Nguyễn Văn An, Bí thư Thành ủy/);
  },
);

void t.test('its CA administrators no longer record its people: the directory does', async (t) => {
  const before = await people();
  const put = await app.inject({
    method: 'PUT',
    url: `/v1/offices/self/people/${encodeURIComponent(an.subject)}`,
    headers: admin,
    payload: { name: 'Người Khác', title: 'Bí thư' },
  });
  t.equal(put.statusCode, 409);
  t.match(put.json(), { code: 'PEOPLE_FROM_DIRECTORY', detail: /directory/ });
  const removed = await app.inject({
    method: 'DELETE',
    url: `/v1/offices/self/people/${encodeURIComponent(binh.subject)}`,
    headers: admin,
  });
  t.equal(removed.statusCode, 409);
  t.match(removed.json(), { code: 'PEOPLE_FROM_DIRECTORY' });
  t.same(await people(), before, 'nothing changed');
});

void t.test(
  'a person renamed in the directory: the pending request is stale, a new one names the new title',
  async (t) => {
    const pending = await askKey();
    t.equal(pending.statusCode, 202, pending.body);
    await applied(danang(2, [{ ...an, title: 'Phó Bí thư Thường trực Thành ủy' }, binh]));
    const stale = await approve(pending.json<{ id: string }>().id);
    t.equal(stale.statusCode, 409);
    t.match(stale.json(), { code: 'KEY_REQUEST_STALE', detail: /title/ });
    const fresh = await askKey();
    t.equal(fresh.statusCode, 202, fresh.body);
    t.match(fresh.json(), { identity: { title: 'Phó Bí thư Thường trực Thành ủy', organisation: 'Thành ủy Đà Nẵng' } });
    const key = await approve(fresh.json<{ id: string }>().id);
    t.equal(key.statusCode, 201, key.body);
    t.equal(
      formatName(readCertificate(Buffer.from(key.json<{ certificate: string }>().certificate, 'base64')).subject),
      'C=VN, O=Thành ủy Đà Nẵng, organizationIdentifier=LT:VN-VPTU-DN, OU=Văn phòng Thành ủy, title=Phó Bí thư Thường trực Thành ủy, CN=Nguyễn Văn An',
    );
  },
);

void t.test('a person gone from the directory is no longer registered', async (t) => {
  const pending = await askKey();
  t.equal(pending.statusCode, 202, pending.body);
  await applied(danang(3, [binh]));
  t.same(
    (await people()).map((p) => p.subject),
    [binh.subject],
  );
  const gone = await approve(pending.json<{ id: string }>().id);
  t.equal(gone.statusCode, 409);
  t.match(gone.json(), { code: 'PERSON_NOT_REGISTERED' });
  const again = await askKey();
  t.equal(again.statusCode, 409);
  t.match(again.json(), { code: 'PERSON_NOT_REGISTERED', detail: /directory lists no person:an/ });
  const log = await pool.query(
    "SELECT 1 FROM signing_log WHERE office = 'VPTU-DN' AND subject = 'directory' AND action = 'person-remove' AND detail = $1",
    [an.subject],
  );
  t.equal(log.rowCount, 1);
});

void t.test('an older revision replayed changes nothing', async (t) => {
  const before = { office: await office(), people: await people() };
  await applied(danang(2, [an, binh], { organisation: 'Thành ủy Cũ', locality: 'Quảng Nam' }));
  await applied(danang(3, [an, binh], { unit: 'Văn phòng cũ' }));
  t.same({ office: await office(), people: await people() }, before);
});

void t.test('the same event delivered twice is applied once', async (t) => {
  const change = envelopeOf(
    danang(4, [binh, { subject: 'person:cuong', name: 'Lê Văn Cường', title: 'Lưu trữ viên' }]),
  );
  // The same envelope twice, then a later no-op of the same key to know both were consumed.
  const marker = envelopeOf(danang(4, [binh]));
  await publish(change, change, marker);
  await waitFor('the marker', () => processed(marker.id));
  const set = await pool.query(
    "SELECT 1 FROM signing_log WHERE office = 'VPTU-DN' AND action = 'person-set' AND detail LIKE 'person:cuong:%'",
  );
  t.equal(set.rowCount, 1, 'one person-set');
  const offices = await pool.query("SELECT 1 FROM signing_log WHERE office = 'VPTU-DN' AND action = 'office-set'");
  t.equal(offices.rowCount, 4, 'one office-set per revision applied');
  t.match(await office(), { revision: '4' });
});

void t.test('invalid data changes nothing and goes to the dead-letter topic', async (t) => {
  const before = { office: await office(), people: await people() };
  const dead: EventEnvelope[] = [];
  const dlq = await bus.subscribe({
    group: 'test-dead-letters',
    topics: [deadLetterTopic(topic)],
    handler: async (event) => {
      dead.push(event);
    },
  });
  t.teardown(() => dlq.stop());
  const bad = [
    danang(5, [binh], { unit: 'Văn phòng Thành ủy'.normalize('NFD') }),
    { ...danang(6, [binh]), extra: true },
    danang(7, [{ ...binh, roles: ['signer'] } as Person]),
    danang(
      8,
      Array.from({ length: 2001 }, (_, i) => ({ ...binh, subject: `person:p${i}` })),
    ),
  ];
  const envelopes = bad.map(envelopeOf);
  await publish(...envelopes);
  await waitFor('the dead letters', () => dead.length === envelopes.length);
  t.same(
    dead.map((e) => e.id),
    envelopes.map((e) => e.id),
  );
  for (const e of envelopes) t.notOk(await processed(e.id), 'not handled');
  t.same({ office: await office(), people: await people() }, before);
});

void t.test('a retired office gets no new certificate; its certificates stay', async (t) => {
  const seals = await pool.query("SELECT 1 FROM signing_key WHERE office = 'VPTU-DN' AND purpose = 'seal'");
  await applied(danang(9, [binh], { active: false }));
  const seal = await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} });
  t.equal(seal.statusCode, 409);
  t.match(seal.json(), { code: 'OFFICE_NOT_REGISTERED', detail: /retired/ });
  t.equal(
    (await pool.query("SELECT 1 FROM signing_key WHERE office = 'VPTU-DN' AND purpose = 'seal'")).rowCount,
    seals.rowCount,
  );
  await applied(danang(10, [binh]));
  t.equal((await app.inject({ method: 'POST', url: '/v1/ca/seals', headers: admin, payload: {} })).statusCode, 201);
});

void t.test('an office of the file the directory published stays the directory’s at the next start', async (t) => {
  await applied({
    entity: 'office',
    code: 'VPTU-BL',
    change: 'updated',
    revision: 1,
    at: '2026-03-01T02:00:00Z',
    office: {
      name: 'Văn phòng Tỉnh ủy Bạc Liêu',
      organisation: 'Tỉnh ủy Bạc Liêu',
      unit: 'Văn phòng Tỉnh ủy Bạc Liêu',
      locality: 'Bạc Liêu',
      level: 'province',
      parent: null,
      active: true,
      people: [],
    },
  } satisfies DirectoryChanged);
  // A second instance on the same schema, given the same offices file.
  const second = await startTestSigning(schema);
  t.teardown(() => second.close());
  const own = await second.app.inject({
    method: 'GET',
    url: '/v1/offices/self',
    headers: authHeader({ subject: 'person:x', office: 'VPTU-BL', roles: ['signer'] }),
  });
  t.match(own.json(), {
    source: 'directory',
    code: 'VPTU-BL',
    name: 'Tỉnh ủy Bạc Liêu',
    unit: 'Văn phòng Tỉnh ủy Bạc Liêu',
    locality: 'Bạc Liêu',
  });
  t.ok(second.lines.some((l) => /kept as the directory published them: VPTU-BL/.test(l)));
  const cm = await second.app.inject({
    method: 'GET',
    url: '/v1/offices/self',
    headers: authHeader({ subject: 'person:x', office: 'VPTU-CM', roles: ['signer'] }),
  });
  t.match(
    cm.json(),
    { name: 'Tỉnh ủy Cà Mau', unit: 'Văn phòng Tỉnh ủy', source: 'file' },
    'the file still writes its other offices',
  );
});
