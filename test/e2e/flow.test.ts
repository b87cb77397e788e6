/**
 * Issue 19's flow on the real PostgreSQL, Kafka and MinIO: the four services started in this
 * process (scripts/lib/suite.ts, real mode) in a database of their own made for the run, on
 * topics and consumer groups under a namespace of the run's, then the clerks' `bin/lienthong`
 * commands of flow-steps.ts with the client configurations the suite wrote. Spans are kept in
 * memory meanwhile: the directive's issue is one trace from the registry's request through
 * the seal asked of signing, the outbox, Kafka and every consumer to the archive's report.
 */
import t from 'tap';
import type { Test } from 'tap';
import { SpanKind } from '@opentelemetry/api';
import pg from 'pg';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSuite, type Suite } from '../../scripts/lib/suite.ts';
import { testEnv, uniqueName } from '../support/env.ts';
import { startTestTracing, type ReadableSpan, type TestTracing } from '../support/tracing.ts';
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
  const tracing = startTestTracing();
  t.teardown(() => tracing.stop());
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
  const { directive } = await runFlow(t, {
    cliDir: suite.cliDir,
    demoDir: join(dataDir, 'demo'),
    workDir,
    pin: suite.pin,
  });
  checkIssueTrace(t, tracing, directive);
});

/** The spans from `span` up to its trace's root, `span` first. */
function ancestry(tracing: TestTracing, span: ReadableSpan): ReadableSpan[] {
  const chain = [span];
  for (let parent = tracing.parentOf(span); parent !== undefined; parent = tracing.parentOf(parent)) chain.push(parent);
  return chain;
}

/** The issue of `document`: one trace holding the seal call, the publish and each consumer, each below the request. */
function checkIssueTrace(t: Test, tracing: TestTracing, document: string): void {
  const request = tracing
    .spansNamed('POST /v1/documents/:id/issue')
    .find(
      (s) =>
        s.attributes['url.path'] === `/v1/documents/${document}/issue` &&
        s.attributes['http.response.status_code'] === 200,
    );
  if (request === undefined) {
    t.fail("no span of the directive's issue request");
    return;
  }
  t.equal(request.kind, SpanKind.SERVER, 'the issue request is a server span');
  t.equal(tracing.parentOf(request), undefined, 'which starts the trace (the CLI sends none)');
  const spans = tracing.spansOfTrace(request.spanContext().traceId);
  const below = (s: ReadableSpan): boolean => ancestry(tracing, s).at(-1) === request;
  const one = (what: string, test: (s: ReadableSpan) => boolean): ReadableSpan | undefined => {
    const found = spans.find((s) => test(s) && below(s));
    t.ok(found, `the issue's trace holds ${what}, below the request`, {
      names: [...new Set(spans.map((s) => s.name))],
    });
    return found;
  };
  const group = (s: ReadableSpan, name: string): boolean =>
    (s.attributes['messaging.consumer.group.name'] as string | undefined)?.endsWith(name) === true;
  const seal = one('the seal asked of signing', (s) => s.name === 'signing sign pdf' && s.kind === SpanKind.CLIENT);
  if (seal !== undefined)
    one("signing's server span of it", (s) => s.kind === SpanKind.SERVER && tracing.parentOf(s) === seal);
  const issued = (s: ReadableSpan): boolean => s.name.endsWith('lienthong.document.issued.v1');
  const publish = one('the publish of document.issued', (s) => issued(s) && s.kind === SpanKind.PRODUCER);
  const fanOut = one("delivery's fan-out consuming it", (s) => issued(s) && group(s, 'delivery-fan-out'));
  const ingest = one("the archive's ingest consuming it", (s) => issued(s) && group(s, 'archive-ingest'));
  for (const consumer of [fanOut, ingest])
    if (consumer !== undefined && publish !== undefined)
      t.ok(ancestry(tracing, consumer).includes(publish), `${consumer.name} hangs below the publish`);
  const sent = (s: ReadableSpan): boolean => /lienthong\.delivery\.sent(-urgent)?\.v1$/.test(s.name);
  const sentPublish = one('the publish of delivery.sent', (s) => sent(s) && s.kind === SpanKind.PRODUCER);
  if (sentPublish !== undefined && fanOut !== undefined)
    t.ok(ancestry(tracing, sentPublish).includes(fanOut), 'delivery.sent is published below the fan-out');
  one("delivery's inbox consuming delivery.sent", (s) => sent(s) && s.kind === SpanKind.CONSUMER);
  const report = one("the archive's report asked of signing", (s) => s.name === 'signing verify pdf');
  if (report !== undefined && ingest !== undefined)
    t.ok(ancestry(tracing, report).includes(ingest), "the report is asked within the archive's ingest");
}
