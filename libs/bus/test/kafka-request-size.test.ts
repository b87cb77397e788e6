import t from 'tap';
import type { EncodedEvent } from '../src/bus-core.ts';
import { produceRequestBudgetBytes, recordBytes, splitForRequests } from '../src/kafka-request-size.ts';

const event = (n: number, valueBytes: number): EncodedEvent => ({
  topic: 'lienthong.test.v1',
  key: `k${n}`,
  value: 'v'.repeat(valueBytes),
  headers: { 'lienthong-event-id': String(n) },
});

void t.test('events that fit one request stay one run', async (t) => {
  const events = Array.from({ length: 500 }, (_, n) => event(n, 500));
  t.same(splitForRequests(events), [events]);
  t.same(splitForRequests([]), []);
});

void t.test('a heavy publish is split in order, each run within the budget', async (t) => {
  const events = Array.from({ length: 9 }, (_, n) => event(n, 300_000));
  const runs = splitForRequests(events);
  t.same(runs.flat(), events, 'every event once, in order');
  t.ok(runs.length >= 3);
  for (const run of runs) {
    t.ok(run.reduce((sum, e) => sum + recordBytes(e), 0) <= produceRequestBudgetBytes);
  }
});

void t.test('an event over the budget goes alone, never dropped', async (t) => {
  const events = [event(0, 10), event(1, 2_000), event(2, 10)];
  t.same(splitForRequests(events, 1_000), [[events[0]], [events[1]], [events[2]]]);
});

void t.test('multi-byte characters are weighed in UTF-8 bytes, not string length', async (t) => {
  const heavy = { ...event(0, 0), value: 'Đ'.repeat(400_000) }; // 800 kB in UTF-8
  const runs = splitForRequests([heavy, heavy]);
  t.equal(runs.length, 2);
});
