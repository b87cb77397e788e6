import t from 'tap';
import { BusError, busErrors, type BusErrorCode } from '../src/errors.ts';
import { assertTopics } from '../src/topic-name.ts';

void t.test('every error code is documented with a message and an HTTP status', async (t) => {
  for (const [code, entry] of Object.entries(busErrors)) {
    t.match(code, /^BUS_[A-Z_]+$/, code);
    t.ok(entry.message.length > 10, `${code} has a message`);
    t.ok(entry.status >= 400 && entry.status < 600, `${code} has an error status`);
    const err = new BusError(code as BusErrorCode, 'detail');
    t.equal(err.code, code);
    t.equal(err.status, entry.status);
    t.match(err.message, /: detail$/);
  }
});

void t.test('topic names follow Kafka rules on every transport', async (t) => {
  t.doesNotThrow(() => assertTopics(['lienthong.document-issued.v1', 'a_b', 'x.dlq']));
  for (const bad of ['', '.', '..', 'has space', 'ü', 'a/b', 'x'.repeat(250)]) {
    t.throws(() => assertTopics([bad]), { code: 'BUS_TOPIC_INVALID' }, JSON.stringify(bad).slice(0, 20));
  }
});
