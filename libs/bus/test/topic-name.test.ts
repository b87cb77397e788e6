import t from 'tap';
import { assertTopics } from '../src/topic-name.ts';

void t.test('topic names follow Kafka rules on every transport', async (t) => {
  t.doesNotThrow(() => assertTopics(['lienthong.document-issued.v1', 'a_b', 'x.dlq']));
  for (const bad of ['', '.', '..', 'has space', 'ü', 'a/b', 'x'.repeat(250)]) {
    t.throws(
      () => assertTopics([bad]),
      { name: 'BusError', code: 'BUS_TOPIC_INVALID', status: 500 },
      JSON.stringify(bad).slice(0, 20),
    );
  }
});
