/**
 * A Kafka broker killed (SIGKILL) under a running consumer and producer and started again
 * after longer than kafkajs's retry budget (a broker of the test's own,
 * test/support/scratch-kafka.ts): the consumer comes back by itself and gets what is
 * published after, a publish while the broker is down fails as BUS_UNAVAILABLE (or, held
 * until the broker is back, arrives), `ping` answers again, and the consumer is never
 * given up for good (kafkajs CRASH with restart = false).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import t from 'tap';
import { createEnvelope } from '../src/envelope.ts';
import { isBusError } from '../src/errors.ts';
import { createKafkaBus } from '../src/kafka-bus.ts';
import type { BusLogger } from '../src/logger.ts';
import type { OutgoingEvent } from '../src/types.ts';
import { startScratchKafka } from '../../../test/support/scratch-kafka.ts';
import { waitFor } from './helpers.ts';

const kafka = await startScratchKafka();
t.teardown(() => kafka.destroy());

const givenUp: unknown[] = [];
const quiet = (): void => undefined;
const logger: BusLogger = {
  debug: quiet,
  info: quiet,
  warn: quiet,
  error: (fields, message) => {
    if (message === 'Kafka consumer crashed' && (fields as { restart?: boolean }).restart === false)
      givenUp.push(fields);
  },
};

void t.test('a consumer and a producer ride out a broker killed and started again', { timeout: 240_000 }, async (t) => {
  const bus = createKafkaBus({ brokers: kafka.brokers, clientId: 'restart-test', logger });
  t.teardown(() => bus.close());
  const topic = 'lienthong.restart-test.v1';
  await bus.ensureTopics([topic]);
  const seen = new Set<number>();
  const sub = await bus.subscribe({
    group: 'restart-test',
    topics: [topic],
    handler: async (event) => void seen.add((event.data as { n: number }).n),
  });
  t.teardown(() => sub.stop());
  const event = (n: number): OutgoingEvent => ({
    topic,
    key: `k${n % 5}`,
    envelope: createEnvelope({ type: 'test.happened', source: 'bus-test', subject: 's', data: { n } }),
  });
  await bus.publish([1, 2, 3, 4, 5].map(event));
  await waitFor(() => seen.size >= 5, 60_000, 'five before the kill');

  await kafka.stop('SIGKILL');
  const whileDown = bus.publish([event(6)]).then(
    () => 'sent' as const,
    (err: unknown) => err,
  );
  await t.rejects(bus.ping(), { code: 'BUS_UNAVAILABLE' }, 'ping fails while the broker is down');
  // Longer than a kafkajs retry budget (5 retries from 300 ms, about 10 s): the consumer crashes at least once.
  await sleep(15_000);
  await kafka.start();

  const outcome = await whileDown;
  if (outcome === 'sent') await waitFor(() => seen.has(6), 120_000, 'the event held over the restart');
  else t.ok(isBusError(outcome, 'BUS_UNAVAILABLE'), 'the publish while down failed as BUS_UNAVAILABLE');
  await bus.publish([7, 8, 9, 10].map(event));
  await waitFor(() => [7, 8, 9, 10].every((n) => seen.has(n)), 120_000, 'what is published after the restart');
  t.pass('the consumer came back by itself');
  await bus.ping();
  t.same(givenUp, [], 'kafkajs never gave the consumer up');
});
