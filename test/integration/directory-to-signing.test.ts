/**
 * Intake's directory reaches the signing service over real Kafka (issue 16): an import's
 * `directory.changed` outbox rows, published to Kafka as the relay publishes them (on a topic
 * of this test's own: the shared broker's real topic is not ours to write), are consumed by
 * signing's directory consumer (`startDirectoryConsumer`), and a seal issued for the office
 * then names what the directory says. Invalid data goes to the dead-letter topic and changes
 * nothing.
 */
import t from 'tap';
import {
  createEnvelope,
  createKafkaBus,
  deadLetterTopic,
  type EventEnvelope,
  type OutgoingEvent,
} from '@lienthong/bus';
import { formatName, readCertificate, systemClock } from '@lienthong/pki';
import { startDirectoryConsumer } from '../../services/signing/src/directory/directory-consumer.ts';
import { raAdminOf } from '../../services/signing/test/enrolment.ts';
import { signingForFile } from '../../services/signing/test/support.ts';
import { adminOf, intakeForFile } from '../../services/intake/test/support.ts';
import { testEnv, uniqueName, waitFor } from '../support/env.ts';

const intake = await intakeForFile(t);
const signing = await signingForFile(t);
const topic = uniqueName('lienthong.directory-test').replace('_', '.');
const bus = createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: 'directory-to-signing' });
t.teardown(() => bus.close());
const consumer = await startDirectoryConsumer({
  pool: signing.pool,
  bus,
  clock: systemClock,
  log: { info: () => {}, warn: () => {} },
  topic,
  group: uniqueName('signing-directory'),
  retryBackoffMs: 10,
  maxAttempts: 2,
});
t.teardown(() => consumer.stop());

const processed = async (id: string): Promise<boolean> =>
  ((await signing.pool.query('SELECT 1 FROM processed_events WHERE event_id = $1', [id])).rowCount ?? 0) > 0;

/** Publishes intake's outbox rows (all, in order) to this test's topic, as the relay would. */
async function relay(): Promise<EventEnvelope[]> {
  const { rows } = await intake.pool.query<{ key: string; envelope: EventEnvelope }>(
    'SELECT key, envelope FROM outbox ORDER BY id',
  );
  const events: OutgoingEvent[] = rows.map((row) => ({ topic, key: row.key, envelope: row.envelope }));
  await bus.publish(events);
  return events.map((e) => e.envelope);
}

await t.test('an import in intake becomes a registered office in signing; its seal names it', async (t) => {
  const res = await intake.app.inject({
    method: 'POST',
    url: '/v1/directory/imports',
    headers: { ...adminOf('VPTU-KG'), 'content-type': 'application/json' },
    payload: JSON.stringify({
      offices: [
        { code: 'TU-KG', name: 'Tỉnh ủy Kiên Giang', abbreviation: 'TU', level: 'province' },
        {
          code: 'VPTU-KG',
          name: 'Văn phòng Tỉnh ủy Kiên Giang',
          abbreviation: 'VPTU',
          level: 'province',
          parent: 'TU-KG',
          unit: 'Văn phòng Tỉnh ủy',
          locality: 'Kiên Giang',
        },
      ],
      people: [
        {
          office: 'VPTU-KG',
          subject: 'person:lan',
          name: 'Phạm Thị Lan',
          title: 'Chánh Văn phòng',
          roles: ['ca-admin', 'directory-admin'],
        },
      ],
    }),
  });
  t.equal(res.statusCode, 200, res.body);
  const envelopes = await relay();
  t.equal(envelopes.length, 2);
  for (const e of envelopes) await waitFor(`event ${e.id}`, () => processed(e.id));
  const person = await signing.pool.query<{ full_name: string; title: string; recorded_by: string }>(
    "SELECT full_name, title, recorded_by FROM person WHERE office = 'VPTU-KG' AND subject = 'person:lan'",
  );
  t.same(person.rows, [{ full_name: 'Phạm Thị Lan', title: 'Chánh Văn phòng', recorded_by: 'directory' }]);
  const seal = await signing.app.inject({
    method: 'POST',
    url: '/v1/ca/seals',
    headers: raAdminOf('VPTU-KG'),
    payload: {},
  });
  t.equal(seal.statusCode, 201, seal.body);
  const der = await signing.app.inject({ method: 'GET', url: `/v1/ca/certificates/${seal.json<{ id: string }>().id}` });
  t.equal(
    formatName(readCertificate(der.rawPayload).subject),
    'C=VN, L=Kiên Giang, O=Tỉnh ủy Kiên Giang, organizationIdentifier=LT:VN-VPTU-KG, CN=Văn phòng Tỉnh ủy',
  );
});

await t.test('invalid data on Kafka goes to the dead-letter topic and changes nothing', async (t) => {
  const before = await signing.pool.query('SELECT * FROM office ORDER BY code');
  const dead: EventEnvelope[] = [];
  const dlq = await bus.subscribe({
    group: uniqueName('dead-letters'),
    topics: [deadLetterTopic(topic)],
    handler: async (event) => {
      dead.push(event);
    },
  });
  t.teardown(() => dlq.stop());
  const bad = createEnvelope({
    type: 'directory.changed',
    schemaVersion: 1,
    source: 'intake',
    subject: 'office:VPTU-KG',
    data: {
      entity: 'office',
      code: 'VPTU-KG',
      change: 'updated',
      revision: 9,
      at: '2026-03-01T02:00:00Z',
      office: {
        name: 'Văn phòng Tỉnh ủy Kiên Giang',
        organisation: 'Tỉnh ủy Khác',
        unit: 'Văn phòng\u202e Tỉnh ủy',
        level: 'province',
        parent: 'TU-KG',
        active: true,
        people: [],
      },
    },
  });
  await bus.publish([{ topic, key: 'office:VPTU-KG', envelope: bad }]);
  await waitFor('the dead letter', () => dead.some((e) => e.id === bad.id));
  t.notOk(await processed(bad.id));
  t.same((await signing.pool.query('SELECT * FROM office ORDER BY code')).rows, before.rows);
});
