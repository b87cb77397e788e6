import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { createBus } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { deadLetterTopic } from '../src/types.ts';
import { testEnv } from '../../../test/support/env.ts';

const testKafkaBrokers = testEnv.kafkaBrokers;
import { makeEvent, randomName } from './helpers.ts';

void t.test(
  'createBus builds the Kafka transport; ensureTopics is idempotent and makes the dead-letter topics',
  { timeout: 30_000 },
  async (t) => {
    const bus = createBus({ transport: 'kafka', brokers: testKafkaBrokers, clientId: 'bus-test-admin' }, silentLogger);
    const admin = new Kafka({
      clientId: 'bus-test-check',
      brokers: testKafkaBrokers,
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    const topic = randomName('lienthong.admin');
    t.teardown(async () => {
      await bus.close();
      await admin.deleteTopics({ topics: [topic, deadLetterTopic(topic)] }).catch(() => undefined);
      await admin.disconnect();
    });
    await bus.ping();
    await bus.ensureTopics([topic]);
    await bus.ensureTopics([topic, topic]);
    const topics = await admin.listTopics();
    t.ok(topics.includes(topic) && topics.includes(deadLetterTopic(topic)), 'topic and its dead-letter topic exist');
    const before = await admin.fetchTopicOffsets(topic);
    const bad = makeEvent(topic, 'k', 1);
    await t.rejects(
      bus.publish([makeEvent(topic, 'k', 0), { ...bad, envelope: { ...bad.envelope, type: 'not a type' } }]),
      { code: 'BUS_ENVELOPE_INVALID' },
    );
    await t.rejects(bus.publish([{ ...bad, topic: 'bad topic' }]), { code: 'BUS_TOPIC_INVALID' });
    t.same(await admin.fetchTopicOffsets(topic), before, 'a batch with one bad envelope sends nothing');
    await bus.close();
    await t.rejects(bus.publish([makeEvent(topic, 'k', 2)]), { code: 'BUS_CLOSED' });
  },
);
