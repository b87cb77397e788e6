// The audit chain: one canonical encoding per entry (RFC 8785 JCS, nested detail included),
// and the verifier finding an edited, removed, reordered, foreign or malformed entry, a
// chain rewritten from some entry on, or cut short, at the first entry that does not hold.
import { createHash } from 'node:crypto';
import t, { type Test } from 'tap';
import {
  auditChainVerifier,
  auditEntryHash,
  canonicalJsonText,
  encodeAuditEntry,
  isEvidenceError,
  MAX_AUDIT_DETAIL_BYTES,
  verifyAuditChain,
  type AuditEntry,
  type AuditEntryFields,
} from '../src/index.ts';

const OFFICE = 'VPTU-A';
const fail = (problem: string): never => {
  throw new Error(problem);
};

/** A chain of `n` entries of OFFICE, hashed as the archive hashes them. */
function chainOf(n: number, office = OFFICE): AuditEntry[] {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    const fields: AuditEntryFields = {
      office,
      seq,
      at: new Date(Date.UTC(2026, 5, 1, 7, 0, seq)).toISOString(),
      actor: 'person:nguyen-van-a',
      action: seq % 2 === 0 ? 'record.read' : 'record.ingested',
      recordId: seq % 3 === 0 ? null : `0f8fad5b-d9cb-469f-a165-7086772895${String(seq).padStart(2, '0')}`,
      detail: { n: seq, note: 'Kế hoạch', nested: { list: [1, 'a', null, true] } },
      prevHash: entries.at(-1)?.hash ?? null,
    };
    entries.push({ ...fields, hash: auditEntryHash(fields) });
  }
  return entries;
}

void t.test('canonicalJsonText is RFC 8785 for nested values', async (t) => {
  t.equal(
    canonicalJsonText({ b: [3, { z: 1, a: 'é' }], a: null, '\u20ac': 1, '\r': 2, '1': true }, 8, fail),
    '{"\\r":2,"1":true,"a":null,"b":[3,{"a":"é","z":1}],"€":1}',
  );
  // RFC 8785 §3.2.2.3: numbers as ECMAScript writes them.
  t.equal(
    canonicalJsonText([1e21, 1e-7, -0, 0.1, 333333333.3333333, 5e-324], 8, fail),
    '[1e+21,1e-7,0,0.1,333333333.3333333,5e-324]',
  );
  // §3.2.3: sorted by UTF-16 code units, not code points (U+1F600 sorts before U+FB33).
  t.equal(canonicalJsonText({ '\ufb33': 1, '\u{1f600}': 2 }, 8, fail), '{"\u{1f600}":2,"\ufb33":1}');
  for (const [what, value] of [
    ['NaN', { a: Number.NaN }],
    ['Infinity', [Infinity]],
    ['a lone surrogate', { a: '\ud800' }],
    ['a lone surrogate in a name', { '\udc00': 1 }],
    ['undefined', { a: undefined }],
    ['a Date', { a: new Date(0) }],
    ['a function', { a: () => 1 }],
    ['a bigint', { a: 1n }],
    ['too deep', { a: { b: { c: 1 } } }],
  ] as [string, unknown][])
    t.throws(() => canonicalJsonText(value, 2, fail), what);
  const deep: unknown[] = [];
  let at = deep;
  for (let i = 0; i < 100_000; i++) at = at[0] = [];
  t.throws(
    () => canonicalJsonText(deep, 8, fail),
    /nested deeper than 8/,
    'a hostile depth is refused, not a stack overflow',
  );
});

void t.test('an entry has one encoding, and its hash is the SHA-256 of it', async (t) => {
  const [first, second] = chainOf(2);
  const { hash, ...fields } = first!;
  const bytes = encodeAuditEntry(fields);
  t.equal(
    new TextDecoder().decode(bytes),
    '{"action":"record.ingested","actor":"person:nguyen-van-a","at":"2026-06-01T07:00:01.000Z","detail":{"n":1,"nested":{"list":[1,"a",null,true]},"note":"Kế hoạch"},"office":"VPTU-A","prevHash":null,"recordId":"0f8fad5b-d9cb-469f-a165-708677289501","seq":1,"version":1}',
  );
  t.equal(hash, createHash('sha256').update(bytes).digest('hex'));
  const reordered = Object.fromEntries(Object.entries(fields).reverse()) as unknown as AuditEntryFields;
  t.equal(auditEntryHash(reordered), hash, 'the order of the fields given does not matter');
  t.equal(auditEntryHash(JSON.parse(JSON.stringify(fields)) as AuditEntryFields), hash, 'nor a JSON round trip');
  t.equal(second!.prevHash, hash);
});

void t.test('an entry not of its shape cannot be encoded', async (t) => {
  const [, base] = chainOf(2);
  const cases: [string, Partial<Record<keyof AuditEntryFields, unknown>>][] = [
    ['an office that is no code', { office: 'VP TU' }],
    ['seq 0', { seq: 0 }],
    ['seq not whole', { seq: 1.5 }],
    ['seq as text', { seq: '2' }],
    ['at without milliseconds', { at: '2026-06-01T07:00:01Z' }],
    ['at not a day', { at: '2026-02-30T07:00:01.000Z' }],
    ['an empty actor', { actor: '' }],
    ['an actor with a control character', { actor: 'person:a\u0007' }],
    ['an action of one word', { action: 'read' }],
    ['an action in capitals', { action: 'Record.read' }],
    ['a record id with a space', { recordId: 'a b' }],
    ['a previous hash in capitals', { prevHash: 'AB'.repeat(32) }],
    ['entry 2 without a previous hash', { prevHash: null }],
    ['entry 1 with a previous hash', { seq: 1 }],
    ['detail an array', { detail: [] }],
    ['detail null', { detail: null }],
    ['detail too large', { detail: { x: 'a'.repeat(MAX_AUDIT_DETAIL_BYTES) } }],
    ['detail too deep', { detail: { a: { b: { c: { d: { e: { f: { g: { h: { i: 1 } } } } } } } } } }],
    ['detail with NaN', { detail: { a: Number.NaN } }],
  ];
  for (const [what, change] of cases) {
    try {
      encodeAuditEntry({ ...base!, ...change } as AuditEntryFields);
      t.fail(`${what}: encoded`);
    } catch (e) {
      t.ok(isEvidenceError(e, 'EVIDENCE_AUDIT_ENTRY_INVALID'), `${what}: ${(e as Error).message}`);
    }
  }
});

void t.test('a whole chain verifies, at once or page by page', async (t) => {
  const chain = chainOf(25);
  const report = verifyAuditChain(chain, { office: OFFICE });
  t.same(report, { office: OFFICE, valid: true, entries: 25, head: { seq: 25, hash: chain[24]!.hash } });
  const paged = auditChainVerifier({ office: OFFICE, remembered: { seq: 10, hash: chain[9]!.hash } });
  for (let i = 0; i < chain.length; i += 7) t.equal(paged.add(chain.slice(i, i + 7)), undefined);
  t.same(paged.finish(), report);
  t.same(verifyAuditChain([], { office: OFFICE }), { office: OFFICE, valid: true, entries: 0, head: null });
});

/** Verifies `entries`, expecting a break of `kind` at `seq` after `held` entries (default: those before `seq`). */
function breaks(
  t: Test,
  what: string,
  entries: unknown[],
  kind: string,
  seq: number,
  remembered?: { seq: number; hash: string },
  held = Math.min(seq - 1, entries.length),
): void {
  const report = verifyAuditChain(entries, { office: OFFICE, ...(remembered === undefined ? {} : { remembered }) });
  t.equal(report.valid, false, `${what}: not valid`);
  t.equal(report.broken?.kind, kind, `${what}: ${report.broken?.message}`);
  t.equal(report.broken?.seq, seq, `${what}: found at entry ${seq}`);
  t.equal(report.entries, held, `${what}: the entries before it held`);
}

void t.test('each way of breaking the chain is found at the first entry that does not hold', async (t) => {
  const chain = chainOf(10);
  const edit = (i: number, change: Partial<Record<keyof AuditEntry, unknown>>): unknown[] =>
    chain.map((e, j) => (j === i ? { ...e, ...change } : e));
  breaks(t, 'an actor edited', edit(4, { actor: 'person:someone-else' }), 'edited', 5);
  breaks(t, 'the time edited', edit(4, { at: '2026-06-01T07:00:06.000Z' }), 'edited', 5);
  breaks(t, 'the detail edited', edit(6, { detail: { n: 7 } }), 'edited', 7);
  breaks(t, 'the record edited', edit(2, { recordId: '0f8fad5b-d9cb-469f-a165-708677289599' }), 'edited', 3);
  breaks(t, 'the action edited', edit(0, { action: 'record.exported' }), 'edited', 1);
  breaks(t, 'a hash edited', edit(9, { hash: 'ab'.repeat(32) }), 'edited', 10);
  breaks(t, 'a middle entry removed', chain.toSpliced(4, 1), 'removed', 5);
  breaks(t, 'three middle entries removed', chain.toSpliced(2, 3), 'removed', 3);
  breaks(t, 'the first entry removed', chain.slice(1), 'removed', 1);
  // The later entries renumbered and re-hashed each by itself: every hash fits its fields, the link does not.
  const renumbered = chain.toSpliced(4, 1).map((e, i) => {
    const fields = { ...e, seq: i + 1 };
    return { ...fields, hash: auditEntryHash(fields) };
  });
  breaks(t, 'removed and renumbered', renumbered, 'removed', 5);
  const swapped = [...chain];
  [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
  breaks(t, 'two entries swapped', swapped, 'removed', 4);
  breaks(t, 'an entry repeated', [...chain.slice(0, 5), chain[3]!, ...chain.slice(5)], 'reordered', 4, undefined, 5);
  breaks(t, 'an entry of another office', edit(5, { office: 'HU-B' }), 'malformed', 6);
  breaks(t, 'an entry without its hash', edit(5, { hash: undefined }), 'malformed', 6);
  breaks(t, 'an entry that is no object', [...chain.slice(0, 3), 'x', ...chain.slice(4)], 'malformed', 4);
  breaks(t, 'a seq that is text', edit(3, { seq: '4' }), 'malformed', 4);
});

void t.test('a chain cut short or rewritten is found against the head verified before', async (t) => {
  const chain = chainOf(10);
  const remembered = { seq: 8, hash: chain[7]!.hash };
  t.equal(verifyAuditChain(chain.slice(0, 7), { office: OFFICE }).valid, true, 'consistent in itself');
  breaks(t, 'the tail removed', chain.slice(0, 7), 'truncated', 8, remembered);
  breaks(t, 'every entry removed', [], 'truncated', 8, remembered);
  // Rewritten from entry 6 on, every hash and link recomputed: only the remembered head tells.
  const rewritten = [...chain.slice(0, 5)];
  for (const e of chain.slice(5)) {
    const fields = { ...e, actor: 'person:forger', prevHash: rewritten.at(-1)!.hash };
    rewritten.push({ ...fields, hash: auditEntryHash(fields) });
  }
  t.equal(verifyAuditChain(rewritten, { office: OFFICE }).valid, true, 'consistent in itself');
  breaks(t, 'rewritten from entry 6 on', rewritten, 'rewritten', 8, remembered);
  t.equal(verifyAuditChain(chain, { office: OFFICE, remembered }).valid, true, 'the true chain still holds');
});
