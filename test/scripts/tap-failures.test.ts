import t from 'tap';
import { formatTapFailures, tapFailures } from '../../scripts/lib/tap-failures.ts';

const stream = `TAP version 14
# Subtest: libs/a.test.ts
    # Subtest: signs twice
        ok 1 - first
        not ok 2 - second differs
          ---
          found: 1
          wanted: 2
          ...
        1..2
    not ok 1 - signs twice # time=3ms
    ok 2 - other
    1..2
not ok 1 - libs/a.test.ts # time=9ms
# Subtest: libs/b.test.ts
    not ok 1 - timed out
    1..1
not ok 2 - libs/b.test.ts
ok 3 - libs/c.test.ts
`;

void t.test('names each leaf failure by its path and keeps its diagnostic', async (t) => {
  const failures = tapFailures(stream);
  t.same(
    failures.map((f) => f.path),
    [
      ['libs/a.test.ts', 'signs twice', 'second differs'],
      ['libs/b.test.ts', 'timed out'],
    ],
  );
  t.same(failures[0]?.diagnostic, ['found: 1', 'wanted: 2']);
  t.match(formatTapFailures(failures), /^not ok: libs\/a\.test\.ts › signs twice › second differs\n {4}found: 1/);
});

void t.test('a passing stream has no failures', async (t) => {
  t.same(tapFailures('TAP version 14\nok 1 - x\n1..1\n'), []);
});

void t.test('a file that fails outside any assertion is still named', async (t) => {
  t.same(tapFailures('not ok 1 - libs/d.test.ts # time=1ms\n  ---\n  error: boom\n  ...\n'), [
    { path: ['libs/d.test.ts'], diagnostic: ['error: boom'] },
  ]);
});
