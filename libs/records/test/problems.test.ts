/** JSON Pointers (RFC 6901) and the one-line summary of problems. */
import t from 'tap';
import { describeProblems, isRealDateTime, pointerOf } from '../src/index.ts';

void t.test('pointerOf escapes ~ as ~0 and / as ~1', async (t) => {
  t.equal(pointerOf(), '');
  t.equal(pointerOf('recipients', 'offices', 3), '/recipients/offices/3');
  t.equal(pointerOf('a/b', 'm~n'), '/a~1b/m~0n');
  t.equal(pointerOf('~1'), '/~01', 'escaping ~ first keeps ~1 literal');
});

void t.test('describeProblems writes one line, the value itself as (value)', async (t) => {
  t.equal(
    describeProblems([
      { pointer: '', message: 'must be an object' },
      { pointer: '/subject', message: 'must not be empty' },
    ]),
    '(value): must be an object; /subject: must not be empty',
  );
});

void t.test('isRealDateTime', async (t) => {
  t.ok(isRealDateTime('2026-03-01T08:00:00+07:00'));
  t.notOk(isRealDateTime('2026-02-30T08:00:00+07:00'));
  t.notOk(isRealDateTime('yesterday'));
});
