/**
 * Issue 19's flow on the real PostgreSQL, Kafka and MinIO: the four services started in this
 * process (scripts/lib/suite.ts, real mode) in a database of their own made for the run, on
 * topics and consumer groups under a namespace of the run's, then the clerks' `bin/lienthong`
 * commands of flow-steps.ts with the client configurations the suite wrote.
 */
import t from 'tap';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSuite, type Suite } from '../../scripts/lib/suite.ts';
import { testEnv, uniqueName } from '../support/env.ts';
import { freePort } from '../support/transports.ts';
import { runFlow } from './flow-steps.ts';

// The whole flow is some 60 commands and many waits on events: more than a file's default 300 s on a busy machine.
t.setTimeout(900_000);

/** Runs `sql` on the test database's server (CREATE/DROP DATABASE cannot run in a pool's transaction). */
async function onServer(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: testEnv.databaseUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

void t.test('the province-to-commune flow runs on real PostgreSQL, Kafka and MinIO', async (t) => {
  const name = uniqueName('e2e');
  await onServer(`CREATE DATABASE "${name}"`);
  const running: { suite?: Suite } = {};
  // The services first, then their database (one teardown: tap does not promise the order of several).
  t.teardown(async () => {
    await running.suite?.close();
    await onServer(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
  const databaseUrl = new URL(testEnv.databaseUrl);
  databaseUrl.pathname = `/${name}`;
  const dataDir = await mkdtemp(join(tmpdir(), 'lienthong-e2e-real-'));
  const workDir = await mkdtemp(join(tmpdir(), 'lienthong-e2e-work-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  t.teardown(() => rm(workDir, { recursive: true, force: true }));
  const namespace = name.replace('_', '-');
  const suite = await startSuite({
    mode: 'real',
    real: { databaseUrl: databaseUrl.href, kafkaBrokers: testEnv.kafkaBrokers.join(','), s3: testEnv.s3 },
    dataDir,
    host: '127.0.0.1',
    ports: {
      intake: await freePort(),
      signing: await freePort(),
      archive: await freePort(),
      delivery: await freePort(),
    },
    logLevel: 'warn',
    env: {
      LIENTHONG_INTAKE_TOPIC_NAMESPACE: namespace,
      LIENTHONG_SIGNING_TOPIC_NAMESPACE: namespace,
      LIENTHONG_DELIVERY_TOPIC_NAMESPACE: namespace,
      LIENTHONG_ARCHIVE_TOPIC_NAMESPACE: namespace,
    },
  });
  running.suite = suite;
  t.notMatch(suite.lines.join('\n'), 'could not', 'the demo is set up on the real services', { lines: suite.lines });
  // Signing learns the offices from intake's directory over Kafka, under the run's namespace.
  t.match(suite.lines.join('\n'), /seals: 15 of 15 recipient offices/, 'every recipient office has its seal');
  await runFlow(t, { cliDir: suite.cliDir, demoDir: join(dataDir, 'demo'), workDir, pin: suite.pin });
});
