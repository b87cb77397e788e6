/** Document states and transitions: what is allowed, and why not. */
import t from 'tap';
import {
  assertTransition,
  checkAction,
  checkTransition,
  documentStates,
  documentTransitions,
  isFinalState,
  type DocumentTransition,
} from '../src/index.ts';

void t.test('the life of a document: draft → awaiting signature → signed → issued', async (t) => {
  t.same(checkTransition('draft', 'awaiting-signature'), {
    allowed: true,
    transition: { action: 'submit', from: 'draft', to: 'awaiting-signature', needsReason: false },
  });
  t.equal(assertTransition('awaiting-signature', 'signed').action, 'sign');
  t.equal(assertTransition('signed', 'issued').action, 'issue');
  t.ok(assertTransition('issued', 'recalled').needsReason);
  t.ok(assertTransition('issued', 'replaced').needsReason);
  t.ok(assertTransition('issued', 'cancelled').needsReason, 'cancelling a number is explicit and audited');
  t.ok(assertTransition('awaiting-signature', 'refused').needsReason);
  t.equal(assertTransition('refused', 'draft').action, 'revise');
  t.equal(assertTransition('refused', 'cancelled').action, 'cancel', 'a refused draft may be abandoned');
});

void t.test('what is not allowed says why, and names what is', async (t) => {
  const no = (from: string, to: string): string => {
    const c = checkTransition(from, to);
    return c.allowed ? 'allowed' : c.reason;
  };
  t.match(
    no('draft', 'issued'),
    /draft → issued is not allowed; from draft: submit → awaiting-signature, cancel → cancelled/,
  );
  t.match(no('issued', 'draft'), /not allowed/);
  t.match(no('recalled', 'issued'), /recalled is final/);
  t.match(no('issued', 'issued'), /already issued/);
  t.match(no('published', 'issued'), /"published" is not a document state/);
  t.match(no('draft', '__proto__'), /not a document state/);
  t.throws(() => assertTransition('signed', 'draft'), { code: 'RECORDS_TRANSITION_NOT_ALLOWED', status: 409 });
});

void t.test('actions: issue is possible only from signed', async (t) => {
  const c = checkAction('signed', 'issue');
  t.ok(c.allowed && c.transition.to === 'issued');
  const d = checkAction('draft', 'issue');
  t.notOk(d.allowed);
  if (!d.allowed) t.match(d.reason, /"issue" is not possible from draft; possible: submit, cancel/);
  const e = checkAction('cancelled', 'revise');
  if (!e.allowed) t.match(e.reason, /final/);
});

void t.test('the table is consistent: known states, one transition per pair, issued only from signed', async (t) => {
  const pairs = new Set<string>();
  for (const x of documentTransitions) {
    t.ok(
      (documentStates as readonly string[]).includes(x.from) && (documentStates as readonly string[]).includes(x.to),
    );
    t.notOk(pairs.has(`${x.from}>${x.to}`), `${x.from} → ${x.to} once`);
    pairs.add(`${x.from}>${x.to}`);
  }
  t.same(
    documentTransitions.filter((x) => x.to === 'issued').map((x) => x.from),
    ['signed'],
  );
  t.same(
    documentStates.filter((s) => isFinalState(s)),
    ['cancelled', 'recalled', 'replaced'],
  );
});

void t.test('a deployment may pass its own table', async (t) => {
  const strict: DocumentTransition[] = documentTransitions.filter(
    (x) => !(x.from === 'issued' && x.to === 'cancelled'),
  );
  t.notOk(checkTransition('issued', 'cancelled', strict).allowed);
  t.ok(checkTransition('issued', 'cancelled').allowed);
});
