import { Kafka, logLevel } from 'kafkajs';
import t from 'tap';
import { createEnvelope } from '../src/envelope.ts';
import { createKafkaBus } from '../src/kafka-bus.ts';
import { openBusBacklog } from '../src/bus-backlog.ts';
import { createKafkaDeadLetters } from '../src/kafka-dead-letters.ts';
import { headersToStrings } from '../src/headers.ts';
import type { EventBus } from '../src/types.ts';
import { deadLetterTopic } from '../src/types.ts';
import { testEnv } from '../../../test/support/env.ts';

const testKafkaBrokers = testEnv.kafkaBrokers;
import { randomName, waitFor, type BusHarness, type RawMessage } from './helpers.ts';
import { batchSuite } from './suites/batch-suite.ts';
import { busSuite } from './suites/bus-suite.ts';
import { backlogSuite } from './suites/backlog-suite.ts';
import { deadLetterSuite } from './suites/dead-letter-suite.ts';

const kafka = new Kafka({ clientId: 'bus-test-raw', brokers: testKafkaBrokers, logLevel: logLevel.NOTHING });
const admin = kafka.admin();
const rawProducer = kafka.producer({ allowAutoTopicCreation: false });
const madeTopics: string[] = [];

t.before(async () => {
  await admin.connect();
  await rawProducer.connect();
});
t.teardown(async () => {
  const existing = new Set(await admin.listTopics());
  const topics = madeTopics.filter((topic) => existing.has(topic));
  if (topics.length > 0) await admin.deleteTopics({ topics }).catch(() => undefined);
  await rawProducer.disconnect();
  await admin.disconnect();
});

/** Reads the first `count` messages of a topic with a throwaway consumer group. */
async function readRaw(topic: string, count: number): Promise<RawMessage[]> {
  const consumer = kafka.consumer({ groupId: randomName('raw'), maxWaitTimeInMs: 100 });
  const got: RawMessage[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        got.push({
          key: message.key?.toString() ?? '',
          value: message.value?.toString() ?? '',
          headers: headersToStrings(message.headers),
        });
      },
    });
    await waitFor(() => got.length >= count, 20_000, `${count} messages in ${topic}`);
  } finally {
    await consumer.disconnect();
  }
  return got;
}

const harness: BusHarness = {
  name: 'kafka',
  async open(t) {
    const buses: EventBus[] = [];
    const makeBus = (): EventBus => {
      const bus = createKafkaBus({
        brokers: testKafkaBrokers,
        clientId: randomName('bus-test'),
        kafkaLogLevel: 'error',
      });
      buses.push(bus);
      return bus;
    };
    const bus = makeBus();
    t.teardown(() => Promise.all(buses.map((b) => b.close())).then(() => undefined));
    return {
      bus,
      anotherBus: async () => makeBus(),
      openDeadLetters: () => createKafkaDeadLetters({ brokers: testKafkaBrokers, clientId: randomName('dlq-test') }),
      openBacklog: () => openBusBacklog({ transport: 'kafka', brokers: testKafkaBrokers, clientId: randomName('lag') }),
      async newTopic() {
        const topic = randomName('lienthong.test');
        madeTopics.push(topic, deadLetterTopic(topic));
        return topic;
      },
      async publishRaw(topic, key, value) {
        await rawProducer.send({ topic, acks: -1, messages: [{ key, value }] });
      },
      readRaw,
      async committed(group, topic, partition) {
        const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const offset = offsets?.partitions.find((p) => p.partition === partition)?.offset ?? '-1';
        // Kafka keeps the offset of the next message to read.
        return offset === '-1' ? undefined : String(BigInt(offset) - 1n);
      },
    };
  },
};

busSuite(t, harness);
batchSuite(t, harness);
deadLetterSuite(t, harness);
backlogSuite(t, harness);

void t.test('the dead letters of a topic Kafka does not have: BUS_TOPIC_NOT_FOUND', async (t) => {
  const desk = createKafkaDeadLetters({ brokers: testKafkaBrokers });
  t.teardown(() => desk.close());
  const topic = randomName('lienthong.absent');
  await t.rejects(desk.list({ topic }), { code: 'BUS_TOPIC_NOT_FOUND' });
  await t.rejects(desk.replay({ topic }), { code: 'BUS_TOPIC_NOT_FOUND' });
});

void t.test('one publish larger than a Kafka record batch may be reaches the topic whole, in order', async (t) => {
  const bus = createKafkaBus({ brokers: testKafkaBrokers, clientId: randomName('bus-test'), kafkaLogLevel: 'error' });
  t.teardown(() => bus.close());
  const topic = randomName('lienthong.test');
  madeTopics.push(topic, deadLetterTopic(topic));
  await bus.ensureTopics([topic]);
  // Four envelopes of ~400 kB on one key (one partition): 1.6 MB, over the broker's 1 MiB
  // max.message.bytes for the record batch of one partition in one produce request.
  const events = Array.from({ length: 4 }, (_, n) => ({
    topic,
    key: 'one-key',
    envelope: createEnvelope({
      type: 'test.big',
      source: 'bus-test',
      subject: 's',
      data: { n, pad: 'x'.repeat(400_000) },
    }),
  }));
  await bus.publish(events);
  const got = await readRaw(topic, 4);
  t.same(
    got.map((m) => (JSON.parse(m.value) as { id: string }).id),
    events.map((e) => e.envelope.id),
  );
});
