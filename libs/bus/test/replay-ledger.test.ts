import t from 'tap';
import { encodeLedger, hasReplayed, parseLedger, withReplayed } from '../src/replay-ledger.ts';

void t.test('the record of a replay: a prefix, then ranges above it in the commit metadata', async (t) => {
  let ledger = parseLedger('-1', null);
  t.same(encodeLedger(ledger), { offset: '0', metadata: null }, 'nothing replayed: offset 0');
  ledger = withReplayed(ledger, 5n);
  ledger = withReplayed(ledger, 6n);
  ledger = withReplayed(ledger, 9n);
  t.same(encodeLedger(ledger), { offset: '0', metadata: 'v1:5-6,9' });
  t.ok(hasReplayed(ledger, 6n));
  t.notOk(hasReplayed(ledger, 7n));
  for (const o of [0n, 1n, 2n, 3n, 4n]) ledger = withReplayed(ledger, o);
  t.same(encodeLedger(ledger), { offset: '7', metadata: 'v1:9' }, 'the prefix moves over what became contiguous');
  const back = parseLedger('7', 'v1:9');
  t.same([back.next, [...back.above]], [7n, [9n]], 'read back');
  ledger = withReplayed(back, 7n);
  ledger = withReplayed(ledger, 8n);
  t.same(encodeLedger(ledger), { offset: '10', metadata: null });
});

void t.test('metadata not of a replay, or damaged, reads as nothing above the prefix', async (t) => {
  for (const metadata of ['', 'x', 'v1:', 'v1:a-b', 'v1:9-3', 'v1:0-99999999999', 'v2:1-2', '{"x":1}']) {
    const ledger = parseLedger('4', metadata);
    t.same([ledger.next, ledger.above.size], [4n, 0], JSON.stringify(metadata));
  }
  t.same(parseLedger('4', 'v1:1-2,6').above, new Set([6n]), 'ranges below the prefix are dropped');
  t.same(parseLedger('garbage', null).next, 0n);
});

void t.test('too many single letters for the metadata: BUS_REPLAY_LEDGER_FULL before anything is sent', async (t) => {
  let ledger = parseLedger('0', null);
  for (let o = 1n; o < 4000n; o += 2n) ledger = withReplayed(ledger, o);
  t.throws(() => encodeLedger(ledger), { code: 'BUS_REPLAY_LEDGER_FULL' });
});
