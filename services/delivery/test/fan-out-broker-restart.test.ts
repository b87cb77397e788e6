/**
 * The Kafka broker stopped in the middle of a fan-out to 3,321 communes, kept down a few
 * seconds and started again (a broker of the test's own, test/support/scratch-kafka.ts: the
 * shared one is never restarted), while the delivery service (src/server.ts, a child process
 * in real mode on MinIO and a database of its own) relays its outbox and consigns legs:
 * every inbox holds the document exactly once — none missing, none twice — every leg's
 * history has one `consigned`, the sender's counts and events say the same, the outbox drains.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { createKafkaBus } from '@lienthong/bus';
import { createS3Store } from '@lienthong/storage';
import { deliveryTopics, topicsOf } from '../src/topics.ts';
import { callerOf, issueDocument, issuedEnvelope, nationalCommunes, publishIssued } from './support.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName, waitFor } from '../../../test/support/env.ts';
import { startScratchKafka } from '../../../test/support/scratch-kafka.ts';
import { freePort } from '../../../test/support/transports.ts';

const total = 3321;
const kafka = await startScratchKafka();
t.teardown(() => kafka.destroy());
const server = join(import.meta.dirname, '..', 'src', 'server.ts');
const database = uniqueName('lt_delivery_broker');
const namespace = database.replaceAll('_', '-');
const admin = new pg.Client({ connectionString: testEnv.databaseUrl });
await admin.connect();
await admin.query(`CREATE DATABASE "${database}"`);
const url = new URL(testEnv.databaseUrl);
url.pathname = `/${database}`;
const databaseUrl = url.toString();
const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
// Connections of a database being dropped are ended by the server: expected, not a failure.
db.on('error', () => {});
admin.on('error', () => {});
const bus = createKafkaBus({ brokers: kafka.brokers, clientId: `test-${namespace}` });
const store = createS3Store(testEnv.s3);
const bucket = uniqueName('lt-broker').replaceAll('_', '-');
await store.ensureBucket(bucket, { versioning: true });
const topics = deliveryTopics(namespace);
const port = await freePort();
let child: ChildProcess | undefined;
t.teardown(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await new Promise((resolve) => child!.once('exit', resolve));
  }
  await bus.close();
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
});

function startDelivery(): Promise<number | null> {
  child = spawn(process.execPath, [server], {
    env: {
      PATH: process.env.PATH,
      LIENTHONG_MODE: 'real',
      LIENTHONG_PORT: String(port),
      LIENTHONG_LOG_LEVEL: 'error',
      LIENTHONG_DATABASE_URL: databaseUrl,
      LIENTHONG_KAFKA_BROKERS: kafka.brokers.join(','),
      LIENTHONG_S3_ENDPOINT: testEnv.s3.endpoint,
      LIENTHONG_S3_ACCESS_KEY: testEnv.s3.accessKey,
      LIENTHONG_S3_SECRET_KEY: testEnv.s3.secretKey,
      LIENTHONG_DELIVERY_TOPIC_NAMESPACE: namespace,
      ...testAuthEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child!.once('exit', (code) => resolve(code)));
}

const count = async (sql: string, params: unknown[] = []): Promise<number> => {
  try {
    return Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  } catch {
    return 0; // the schema is not there before the first start
  }
};
const consigned = () => count("SELECT count(*) AS n FROM delivery.delivery_leg WHERE status = '01'");
const undrained = () =>
  count('SELECT count(*) AS n FROM delivery.outbox WHERE id > (SELECT up_to FROM delivery.outbox_relayed)');

await t.test('the broker restarted in the middle of a 3,321 fan-out: exactly once', async (t) => {
  const communes = nationalCommunes();
  t.equal(communes.length, total);
  const data = await issueDocument({ store, bucket }, communes);
  await bus.ensureTopics(topicsOf(topics));
  await publishIssued({ bus, topics }, issuedEnvelope(data));
  let exitCode: number | null | undefined;
  const exited = startDelivery().then((code) => (exitCode = code));

  await waitFor('some legs in their inboxes', async () => (await consigned()) >= 300, 300_000);
  await kafka.stop();
  const atStop = await consigned();
  t.ok(atStop < total, `the broker stopped in the middle: ${atStop} of ${total} consigned`);
  await sleep(5_000); // down long enough for the clients' retries to run out at least once
  const whileDown = await consigned();
  t.ok(whileDown < total, `while the broker was down: ${whileDown} consigned`);
  await kafka.start();

  await waitFor(
    'every leg in its inbox and the outbox relayed',
    async () => exitCode === undefined && (await consigned()) >= total && (await undrained()) === 0,
    300_000,
    250,
  );
  t.equal(exitCode, undefined, 'the service rode out the restart (it did not exit)');

  t.equal(await count('SELECT count(*) AS n FROM delivery.delivery'), 1, 'one delivery');
  t.equal(await count('SELECT count(*) AS n FROM delivery.delivery_leg'), total, 'one leg per commune');
  t.equal(await count('SELECT count(DISTINCT recipient) AS n FROM delivery.delivery_leg'), total);
  t.equal(await consigned(), total, 'every inbox holds it');
  t.equal(await count('SELECT count(DISTINCT inbox_seq) AS n FROM delivery.delivery_leg'), total, 'once each');
  t.equal(
    await count(
      `SELECT count(*) AS n FROM delivery.delivery_leg l
        WHERE (SELECT count(*) FROM delivery.leg_event e WHERE e.leg_id = l.id AND e.event = 'consigned') = 1
          AND (SELECT count(*) FROM delivery.leg_event e WHERE e.leg_id = l.id AND e.event = 'submitted') = 1`,
    ),
    total,
    "every leg's history: one submitted, one consigned",
  );
  t.equal(await count('SELECT count(*) AS n FROM delivery.leg_event'), 2 * total, 'and nothing else');
  t.equal(
    await count(
      "SELECT count(DISTINCT recipient_office) AS n FROM delivery.evidence WHERE event = 'ContentConsignment'",
    ),
    total,
    'a consignment evidence for every leg',
  );
  t.equal(
    await count("SELECT count(*) AS n FROM delivery.evidence WHERE event = 'ContentConsignment'"),
    total,
    'none twice',
  );
  t.equal(await count("SELECT count(*) AS n FROM delivery.evidence WHERE event = 'SubmissionAcceptance'"), 1);
  t.equal(
    await count('SELECT count(*) AS n FROM delivery.outbox WHERE topic = $1', [topics.sent]),
    total,
    'one delivery.sent each',
  );
  t.equal(
    await count('SELECT count(*) AS n FROM delivery.outbox WHERE topic = $1', [topics.statusChanged]),
    total,
    'one 01 each for the sender',
  );

  const view = await fetch(`http://127.0.0.1:${port}/v1/deliveries?document=${data.documentId}`, {
    headers: callerOf('VPTU-A', 'office-system'),
  });
  t.equal(view.status, 200);
  const [delivery] = ((await view.json()) as { deliveries: { counts: unknown }[] }).deliveries;
  t.match(
    delivery,
    { counts: { byStatus: { '01': total }, total } },
    "the sender's view counts every leg in its inbox",
  );

  // What reached the sender over the restarted broker: every leg's 01, each event id once at least.
  const seen = new Set<string>();
  const subscription = await bus.subscribe({
    group: `test-${namespace}-sender`,
    topics: [topics.statusChanged],
    handler: async (event) => {
      seen.add(event.id);
    },
  });
  await waitFor(`${total} delivery.status-changed on the broker`, () => seen.size >= total, 120_000);
  await subscription.stop();
  const ids = await db.query<{ id: string }>('SELECT event_id::text AS id FROM delivery.outbox WHERE topic = $1', [
    topics.statusChanged,
  ]);
  t.same(new Set(ids.rows.map((r) => r.id)), seen, 'the events on the broker are the outbox rows, none lost');

  child!.kill('SIGTERM');
  await exited;
});
