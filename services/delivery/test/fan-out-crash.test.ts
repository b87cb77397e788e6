/**
 * The delivery service (services/delivery/src/server.ts, a child process in real mode on
 * Kafka, MinIO and a database of its own) killed with SIGKILL in the middle of a fan-out to
 * 3,321 communes, then started again: every inbox holds the document exactly once — none
 * missing, none twice — and every leg's history and events say the same.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { createKafkaBus } from '@lienthong/bus';
import { createS3Store } from '@lienthong/storage';
import { deliveryTopics, topicsOf } from '../src/topics.ts';
import { issueDocument, issuedEnvelope, nationalCommunes, publishIssued } from './support.ts';
import { testAuthEnv } from '../../../test/support/auth.ts';
import { testEnv, uniqueName, waitFor } from '../../../test/support/env.ts';

const server = join(import.meta.dirname, '..', 'src', 'server.ts');
const database = uniqueName('lt_delivery_crash');
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
const bus = createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: `test-${namespace}` });
const store = createS3Store(testEnv.s3);
const bucket = uniqueName('lt-crash').replaceAll('_', '-');
await store.ensureBucket(bucket, { versioning: true });
const topics = deliveryTopics(namespace);
const children: ChildProcess[] = [];
t.teardown(async () => {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
  }
  await bus.close();
  await db.end();
  await admin.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin.end();
});

/** A port free now, for the child to listen on. */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
const port = await freePort();

function start(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, [server], {
    env: {
      PATH: process.env.PATH,
      LIENTHONG_MODE: 'real',
      LIENTHONG_PORT: String(port),
      LIENTHONG_LOG_LEVEL: 'warn',
      LIENTHONG_DATABASE_URL: databaseUrl,
      LIENTHONG_KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
      LIENTHONG_S3_ENDPOINT: testEnv.s3.endpoint,
      LIENTHONG_S3_ACCESS_KEY: testEnv.s3.accessKey,
      LIENTHONG_S3_SECRET_KEY: testEnv.s3.secretKey,
      LIENTHONG_DELIVERY_TOPIC_NAMESPACE: namespace,
      ...testAuthEnv,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
  return { child, exited };
}

const count = async (sql: string, params: unknown[] = []): Promise<number> => {
  try {
    return Number((await db.query<{ n: string }>(sql, params)).rows[0]!.n);
  } catch {
    return 0; // the schema is not there before the first start
  }
};
const consigned = () => count("SELECT count(*) AS n FROM delivery.delivery_leg WHERE status = '01'");

await t.test('SIGKILL in the middle of a 3,321 fan-out, then a restart: exactly once', async (t) => {
  const communes = nationalCommunes();
  const data = await issueDocument({ store, bucket }, communes);
  await bus.ensureTopics(topicsOf(topics));
  await publishIssued({ bus, topics }, issuedEnvelope(data));
  const first = start();
  await waitFor('some legs in their inboxes', async () => (await consigned()) >= 300, 300_000);
  first.child.kill('SIGKILL');
  t.equal(await first.exited, 'SIGKILL');
  const before = await consigned();
  t.ok(before < 3321, `killed in the middle: ${before} of 3,321 consigned`);

  const second = start();
  await waitFor('every leg in its inbox', async () => (await consigned()) >= 3321, 300_000);
  second.child.kill('SIGTERM');
  await second.exited;

  t.equal(await count('SELECT count(*) AS n FROM delivery.delivery'), 1, 'one delivery');
  t.equal(await count('SELECT count(*) AS n FROM delivery.delivery_leg'), 3321, 'one leg per commune');
  t.equal(await count('SELECT count(DISTINCT recipient) AS n FROM delivery.delivery_leg'), 3321);
  t.equal(await consigned(), 3321, 'every inbox holds it');
  t.equal(await count('SELECT count(DISTINCT inbox_seq) AS n FROM delivery.delivery_leg'), 3321, 'once each');
  t.equal(
    await count("SELECT count(*) AS n FROM delivery.leg_event WHERE event = 'consigned'"),
    3321,
    'consigned once each',
  );
  t.equal(await count("SELECT count(*) AS n FROM delivery.leg_event WHERE event = 'submitted'"), 3321);
  t.equal(
    await count("SELECT count(*) AS n FROM delivery.evidence WHERE event = 'ContentConsignment'"),
    3321,
    'one consignment evidence per leg, none twice',
  );
  t.equal(await count("SELECT count(*) AS n FROM delivery.evidence WHERE event = 'SubmissionAcceptance'"), 1);
  t.equal(
    await count('SELECT count(*) AS n FROM delivery.outbox WHERE topic = $1', [topics.sent]),
    3321,
    'one delivery.sent each',
  );
  t.equal(
    await count('SELECT count(*) AS n FROM delivery.outbox WHERE topic = $1', [topics.statusChanged]),
    3321,
    'one 01 each for the sender',
  );
});
