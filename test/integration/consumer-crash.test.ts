/**
 * A consumer that dies mid-batch (SIGKILL after committing an effect, before the transport
 * learns it) makes its successor reprocess from the last committed position, and the effects
 * stay exactly one per event: at-least-once on the wire, exactly-once in effect.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import pg from 'pg';
import { createEnvelope, createPostgresBus, createKafkaBus, type EventBus, type OutgoingEvent } from '@lienthong/bus';
import { createPool, migrate } from '@lienthong/db';
import { testEnv, uniqueName, waitFor } from '../support/env.ts';
import { embeddedTransport, kafkaTransport, postgresTransport, type TransportFixture } from '../support/transports.ts';

const EVENTS = 300;
const CRASH_AFTER = 120;
const fixture = join(import.meta.dirname, 'fixtures', 'effect-consumer.ts');

interface Child {
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  ready: Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

function startConsumer(options: Record<string, unknown>): Child {
  const child = spawn(process.execPath, [fixture, JSON.stringify(options)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    void exited.then(() => reject(new Error('consumer exited before it was ready')));
  });
  ready.catch(() => {});
  return { exited, ready, kill: (signal) => child.kill(signal) };
}

async function scenario(transport: TransportFixture, kind: 'kafka' | 'postgres', cleanups: Array<() => Promise<void>>) {
  const effectsSchema = uniqueName('effects');
  const busSchema = uniqueName('bus');
  const topic = uniqueName('lienthong.crash').replace('_', '.');
  const group = uniqueName('crash');
  const pool = createPool({ url: transport.databaseUrl, schema: effectsSchema, maxConnections: 2 });
  const busPool = new pg.Pool({ connectionString: transport.databaseUrl, max: 2 });
  const bus: EventBus =
    kind === 'kafka'
      ? createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: 'crash-test-producer' })
      : createPostgresBus({ pool: busPool, schema: busSchema });
  cleanups.push(async () => {
    await bus.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${effectsSchema}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${busSchema}" CASCADE`);
    await pool.end();
    await busPool.end();
  });
  await migrate(pool, effectsSchema, [
    {
      id: '0001_effects',
      // No unique constraint on purpose: a duplicated effect must be visible.
      sql: 'CREATE TABLE effects (event_id uuid NOT NULL, seq int NOT NULL); CREATE TABLE redeliveries (event_id uuid NOT NULL);',
    },
  ]);
  await bus.ensureTopics([topic]);
  const events: OutgoingEvent[] = Array.from({ length: EVENTS }, (_, seq) => ({
    topic,
    key: `office-${seq % 10}`,
    envelope: createEnvelope({ type: 'test.counted', source: 'test', subject: `office-${seq % 10}`, data: { seq } }),
  }));
  await bus.publish(events);

  const options = {
    transport: kind,
    brokers: testEnv.kafkaBrokers,
    databaseUrl: transport.databaseUrl,
    busSchema,
    effectsSchema,
    topic,
    group,
  };
  const count = async (sql: string): Promise<number> => Number((await pool.query<{ n: string }>(sql)).rows[0]?.n ?? 0);

  const crashing = startConsumer({ ...options, crashAfter: CRASH_AFTER });
  const crash = await crashing.exited;
  const afterCrash = await count('SELECT count(*) AS n FROM effects');

  const successor = startConsumer({ ...options, crashAfter: 0 });
  cleanups.push(async () => {
    successor.kill('SIGKILL');
  });
  await successor.ready;
  await waitFor('every effect', async () => (await count('SELECT count(*) AS n FROM effects')) >= EVENTS, 120_000);
  successor.kill('SIGTERM');
  await successor.exited;

  return {
    crash,
    afterCrash,
    effects: await count('SELECT count(*) AS n FROM effects'),
    distinct: await count('SELECT count(DISTINCT event_id) AS n FROM effects'),
    redeliveries: await count('SELECT count(*) AS n FROM redeliveries'),
  };
}

const fixtures: Array<[() => TransportFixture | Promise<TransportFixture>, 'kafka' | 'postgres']> = [
  [kafkaTransport, 'kafka'],
  [postgresTransport, 'postgres'],
  [embeddedTransport, 'postgres'],
];
for (const [make, kind] of fixtures) {
  const transport = await make();
  await t.test(`${transport.name}: a consumer killed mid-batch is succeeded without duplicated effects`, async (t) => {
    const cleanups: Array<() => Promise<void>> = [() => transport.close()];
    t.teardown(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    });
    const r = await scenario(transport, kind, cleanups);
    t.equal(r.crash.signal, 'SIGKILL', 'the first consumer was killed');
    t.equal(r.afterCrash, CRASH_AFTER, 'it had committed exactly its effects');
    t.equal(r.effects, EVENTS, 'one effect per event after the successor');
    t.equal(r.distinct, EVENTS, 'no event has two effects');
    t.ok(r.redeliveries >= 1, `the successor got the in-flight event again and skipped it (${r.redeliveries})`);
  });
}
