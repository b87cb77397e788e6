/**
 * `lienthong dlq list|replay` on the real Kafka (LIENTHONG_TEST_KAFKA_BROKERS) and on the
 * Postgres log (LIENTHONG_TEST_DATABASE_URL): a failed event's dead letter listed with its
 * reason, a dry run sending nothing, the replay reaching the consumer once, a second replay
 * sending nothing; bad command lines, unknown topics and an unreachable broker (exit 2).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import t, { type Test } from 'tap';
import { createEnvelope, createKafkaBus, createPostgresBus, type EventBus } from '@lienthong/bus';
import { testEnv, uniqueName, waitFor } from '../../../test/support/env.ts';
import { MAIN } from './helpers/cli.ts';

const dir = mkdtempSync(join(tmpdir(), 'lienthong-cli-dlq-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as a separate process without blocking this one (its consumer keeps its group). */
function lienthong(args: readonly string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN, ...args],
      { cwd: dir, env: { LANG: 'C.UTF-8', ...env }, timeout: 120_000 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : null;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

interface Letter {
  offset: string;
  eventId?: string;
  reason?: string;
  replayed: boolean;
  attempts?: number;
}

/** A topic whose consumer fails `failing` until `fix()`; its dead letter written. */
async function withDeadLetter(
  t: Test,
  bus: EventBus,
  topic: string,
): Promise<{ id: string; handled: string[]; fix: () => void }> {
  await bus.ensureTopics([topic]);
  const envelope = createEnvelope({ type: 'test.happened', source: 'cli-test', subject: 's', data: { n: 1 } });
  let broken = true;
  const handled: string[] = [];
  const sub = await bus.subscribe({
    group: uniqueName('cli-dlq'),
    topics: [topic],
    maxAttempts: 1,
    handler: async (event) => {
      if (broken) throw new Error('the archive is down');
      handled.push(event.id);
    },
  });
  t.teardown(() => sub.stop());
  await bus.publish([{ topic, key: 'k', envelope }]);
  return { id: envelope.id, handled, fix: () => (broken = false) };
}

/** The list and replay of one transport, the same on both. */
async function listAndReplay(
  t: Test,
  transport: string[],
  topicArgs: string[],
  env: Record<string, string>,
  letter: { id: string; handled: string[]; fix: () => void },
): Promise<void> {
  let listed: { letters: Letter[] } = { letters: [] };
  await waitFor('the dead letter', async () => {
    const run = await lienthong(['dlq', 'list', ...topicArgs, ...transport, '--json'], env);
    if (run.code !== 0) throw new Error(run.stderr);
    listed = JSON.parse(run.stdout) as { letters: Letter[] };
    return listed.letters.length > 0;
  });
  t.match(listed, { total: 1, waiting: 1 }, 'the counts, as the text says them');
  t.match(listed.letters, [{ eventId: letter.id, replayed: false, attempts: 1, reason: /the archive is down/ }]);

  const text = await lienthong(['dlq', 'list', ...topicArgs, ...transport], env);
  t.equal(text.code, 0, text.stderr);
  t.match(text.stdout, /1 dead letter\(s\), 1 waiting/);
  t.match(
    text.stdout,
    new RegExp(`test\\.happened ${letter.id}.* after 1 tries\\n +handler failed 1 times: the archive is down`),
  );

  const dry = await lienthong(['dlq', 'replay', ...topicArgs, ...transport, '--dry-run', '--json'], env);
  t.equal(dry.code, 0, dry.stderr);
  t.match(JSON.parse(dry.stdout), { dryRun: true, replayed: [{ eventId: letter.id }] }, 'a dry run names it');

  letter.fix();
  const replay = await lienthong(['dlq', 'replay', ...topicArgs, ...transport, '--id', letter.id], env);
  t.equal(replay.code, 0, replay.stderr);
  t.match(replay.stdout, /^replayed 1 dead letter\(s\) to /);
  await waitFor('the replayed event handled', () => letter.handled.includes(letter.id));

  const again = await lienthong(['dlq', 'replay', ...topicArgs, ...transport], env);
  t.equal(again.code, 0, again.stderr);
  t.match(again.stdout, /^replayed 0 dead letter\(s\)/, 'a second replay sends nothing');
  const after = await lienthong(['dlq', 'list', ...topicArgs, ...transport, '--json'], env);
  t.match(JSON.parse(after.stdout), { total: 1, waiting: 0, letters: [{ eventId: letter.id, replayed: true }] });
  t.same(letter.handled, [letter.id], 'handled once, the dry run sent nothing');
}

await t.test('on Kafka: list, dry run, replay once (brokers from LIENTHONG_KAFKA_BROKERS, a namespace)', async (t) => {
  const bus = createKafkaBus({ brokers: testEnv.kafkaBrokers, clientId: uniqueName('cli-dlq') });
  t.teardown(() => bus.close());
  const namespace = uniqueName('ns').replaceAll('_', '-');
  const letter = await withDeadLetter(t, bus, `${namespace}.lienthong.cli-test.v1`);
  await listAndReplay(
    t,
    [],
    ['lienthong.cli-test.v1', '--namespace', namespace],
    {
      LIENTHONG_KAFKA_BROKERS: testEnv.kafkaBrokers.join(','),
    },
    letter,
  );
});

await t.test('on the Postgres log: --database-url and --schema', async (t) => {
  const pool = new pg.Pool({ connectionString: testEnv.databaseUrl, max: 4 });
  const schema = uniqueName('t_cli_bus');
  const bus = createPostgresBus({ pool, schema, pollIntervalMs: 50 });
  t.teardown(async () => {
    await bus.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  });
  const topic = 'lienthong.cli-test.v1';
  const letter = await withDeadLetter(t, bus, topic);
  await listAndReplay(t, ['--database-url', testEnv.databaseUrl, '--schema', schema], [topic], {}, letter);
});

await t.test('bad command lines, unknown topics and unreachable brokers: exit 2, one line', async (t) => {
  const kafka = ['--brokers', testEnv.kafkaBrokers.join(',')];
  const cases: [string, string[], RegExp][] = [
    ['no transport', ['dlq', 'list', 'lienthong.x.v1'], /USAGE: dlq list: give --brokers/],
    ['both transports', ['dlq', 'list', 'lienthong.x.v1', ...kafka, '--database-url', 'postgres://h/d'], /not both/],
    ['no topic', ['dlq', 'list', ...kafka], /expected TOPIC/],
    ['two topics', ['dlq', 'replay', 'a.v1', 'b.v1', ...kafka], /expected TOPIC/],
    ['a dead-letter topic', ['dlq', 'list', 'lienthong.x.v1.dlq', ...kafka], /not lienthong\.x\.v1\.dlq itself/],
    ['a bad topic name', ['dlq', 'list', 'a/../b', ...kafka], /is not a topic name/],
    ['a long topic name', ['dlq', 'list', 'x'.repeat(250), ...kafka], /is not a topic name/],
    ['a bad namespace', ['dlq', 'list', 'x.v1', '--namespace', 'a b', ...kafka], /is not a topic name/],
    ['an offset not a number', ['dlq', 'replay', 'x.v1', '--to', '1e3', ...kafka], /--to "1e3": expected an offset/],
    ['a negative offset', ['dlq', 'replay', 'x.v1', '--from=-3', ...kafka], /--from "-3": expected an offset/],
    ['from after to', ['dlq', 'replay', 'x.v1', '--from', '9', '--to', '3', ...kafka], /--from 9 is after --to 3/],
    ['an empty id', ['dlq', 'replay', 'x.v1', '--id', '', ...kafka], /is not an event id/],
    ['an id with a newline', ['dlq', 'replay', 'x.v1', '--id', 'a\nb', ...kafka], /is not an event id/],
    ['a broker not HOST:PORT', ['dlq', 'list', 'x.v1', '--brokers', 'localhost'], /is not HOST:PORT/],
    ['a URL not postgres', ['dlq', 'list', 'x.v1', '--database-url', 'http://x'], /must be a postgres:\/\/ URL/],
    [
      'a bad schema',
      ['dlq', 'list', 'x.v1', '--database-url', 'postgres://h/d', '--schema', 'Bus;drop'],
      /is not a schema name/,
    ],
    [
      '--schema without the log',
      ['dlq', 'list', 'x.v1', ...kafka, '--schema', 'bus'],
      /--schema goes with --database-url/,
    ],
    ['an unknown option', ['dlq', 'replay', 'x.v1', ...kafka, '--all'], /USAGE: Unknown option '--all'/],
    ['a topic Kafka does not have', ['dlq', 'list', `${uniqueName('absent')}.v1`, ...kafka], /BUS_TOPIC_NOT_FOUND/],
    ['an unreachable broker', ['dlq', 'list', 'x.v1', '--brokers', '127.0.0.1:1'], /BUS_UNAVAILABLE/],
  ];
  for (const [what, args, stderr] of cases) {
    const run = await lienthong(args);
    t.equal(run.code, 2, what);
    t.match(run.stderr, stderr, what);
    // kafkajs 2.2 sets a negative timeout in its request queue, which Node 24 warns about.
    const lines = run.stderr
      .trim()
      .split('\n')
      .filter((l) => !/TimeoutNegativeWarning|Timeout duration was set|node --trace-warnings/.test(l));
    t.equal(lines.length, 1, `${what}: one line`);
  }
  const help = await lienthong(['dlq', 'replay', '--help']);
  t.equal(help.code, 0);
  t.match(help.stdout, /--dry-run/);
});
