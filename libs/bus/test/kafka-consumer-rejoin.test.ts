/**
 * A Kafka group member kafkajs gives up on (CRASH with restart = false: a non-retriable error
 * out of the batch, here a TypeError from the dead-letter path) is not left dead while the
 * service looks ready: the subscription says it is failing, the bus's `ping` (the services'
 * /readyz) names its group, and a new member joins in its place and gets what was not
 * committed. On the real Kafka of infra/local.
 */
import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { createEnvelope, serializeEnvelope } from '../src/envelope.ts';
import { createEventBus } from '../src/bus-core.ts';
import { isBusError } from '../src/errors.ts';
import { startKafkaConsumer } from '../src/kafka-consumer.ts';
import type { KafkaDeadLetter } from '../src/kafka-consumer.ts';
import type { BusLogger } from '../src/logger.ts';
import type { Subscription } from '../src/types.ts';
import { testEnv } from '../../../test/support/env.ts';
import { randomName, waitFor } from './helpers.ts';

const kafka = new Kafka({ clientId: randomName('rejoin'), brokers: testEnv.kafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const topic = `lienthong.${randomName('rejoin')}.v1`;
await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
t.teardown(async () => {
  await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
  await admin.disconnect();
});

const said: string[] = [];
const logger: BusLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (_fields, message) => void said.push(message ?? ''),
  error: (fields, message) =>
    void said.push(`${message ?? ''}${(fields as { restart?: boolean }).restart === false ? ' (given up)' : ''}`),
};

void t.test('a member given up is said failing, then replaced, and the event is handled', async (t) => {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  t.teardown(() => producer.disconnect());

  const deadLetters: KafkaDeadLetter[] = [];
  let deadLetterTries = 0;
  const subscription: Subscription = await startKafkaConsumer(
    {
      kafka,
      logger,
      publishDeadLetter: async (_topic, message) => {
        deadLetterTries += 1;
        // A programming error on the way out of a batch: kafkajs does not restart after it.
        if (deadLetterTries === 1) throw new TypeError('cannot read properties of undefined');
        deadLetters.push(message);
      },
      joinTimeoutMs: 30_000,
      sessionTimeoutMs: 10_000,
      fetchMaxWaitMs: 100,
      partitionsConsumedConcurrently: 1,
    },
    {
      group: randomName('rejoin-group'),
      topics: [topic],
      maxAttempts: 1,
      handler: async () => {
        throw new Error('this event always fails');
      },
    },
  );
  t.teardown(() => subscription.stop());
  t.equal(subscription.failure?.(), undefined, 'consuming after the join');

  const envelope = createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 's', data: { n: 1 } });
  await producer.send({ topic, messages: [{ key: 'k', value: serializeEnvelope(envelope) }] });

  let seenFailing: Error | undefined;
  await waitFor(
    () => {
      seenFailing ??= subscription.failure?.();
      return seenFailing !== undefined;
    },
    30_000,
    'the subscription said failing',
  );
  t.match(seenFailing?.message, /cannot read properties of undefined/);
  t.ok(said.includes('Kafka consumer crashed (given up)'), 'kafkajs gave the member up');

  await waitFor(() => deadLetters.length === 1 && subscription.failure?.() === undefined, 60_000, 'a new member');
  t.ok(said.includes('Kafka consumer joined its group again after a crash'));
  t.equal(
    deadLetters[0]!.value?.toString('utf8'),
    serializeEnvelope(envelope),
    'the new member got the event that was not committed, and it went to the dead letters',
  );
  await subscription.stop();
  t.equal(subscription.failure?.(), undefined);
});

void t.test('ping names a group that is not consuming, and answers again once it is', async (t) => {
  let failing: Error | undefined;
  const { bus } = createEventBus({
    system: 'kafka',
    append: async () => undefined,
    createTopics: async () => undefined,
    startConsumer: async () => ({ stop: async () => undefined, failure: () => failing }),
    probe: async () => undefined,
    release: async () => undefined,
  });
  const subscription = await bus.subscribe({
    group: 'archive-ingest',
    topics: [topic],
    handler: async () => undefined,
  });
  await bus.ping();
  t.pass('ready while consuming');
  failing = new Error('the coordinator went away');
  const refusal = await bus.ping().then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(isBusError(refusal, 'BUS_UNAVAILABLE'));
  t.match((refusal as Error).message, /consumer group archive-ingest is not consuming \(the coordinator went away\)/);
  t.equal(subscription.failure?.(), failing, 'the bus passes the failure on');
  failing = undefined;
  await bus.ping();
  t.pass('ready again');
  failing = new Error('again');
  await subscription.stop();
  await bus.ping();
  t.pass('a stopped subscription no longer counts');
  await bus.close();
});
