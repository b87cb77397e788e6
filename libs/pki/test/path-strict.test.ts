// Issue 15 item 3: edge-case chains judged side by side by validatePath (strict by default) and by
// `openssl verify -x509_strict`. Each case states both verdicts; where they differ, `why` says why we are right.
import t from 'tap';
import { validatePath } from '../src/index.ts';
import { conformingTemplates, edgeKeys, pem, rawCertificate } from './helpers/edge-chains.ts';
import { NOW } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';
import type { EdgeCase, Templates } from './helpers/strict-cases.ts';
import { NAME_CASES } from './helpers/strict-name-cases.ts';
import { profileCases } from './helpers/strict-profile-cases.ts';

const keys = await edgeKeys();
const base = conformingTemplates(keys);
const s = scratch('pki-strict-');
t.teardown(s.cleanup);
const CASES = [...profileCases(keys), ...NAME_CASES];

function chain(c: EdgeCase): { root: Uint8Array; ca: Uint8Array; leaf: Uint8Array } {
  const tpl: Templates = { ...base, ...c.change(base) };
  return {
    root: rawCertificate(tpl.root, keys.root.publicKey, keys.root.privateKey),
    ca: rawCertificate(tpl.ca, keys.ca.publicKey, keys.root.privateKey),
    leaf: rawCertificate(tpl.leaf, keys.leaf.publicKey, keys.ca.privateKey),
  };
}
const attime = String(Math.floor(NOW.getTime() / 1000));
const table: string[] = [];

for (const c of CASES) {
  void t.test(c.name, async (t) => {
    const { root, ca, leaf } = chain(c);
    const r = validatePath({ trustAnchors: [root], intermediates: [ca], target: leaf, time: NOW, revocation: 'none' });
    const ours = r.valid ? 'valid' : r.reason!;
    const dir = c.name.replace(/[^a-z0-9]+/gi, '-');
    const file = (n: string, d: Uint8Array): string => s.file(`${dir}-${n}.pem`, pem(d));
    const o = s.openssl([
      'verify',
      '-x509_strict',
      '-attime',
      attime,
      '-CAfile',
      file('root', root),
      '-untrusted',
      file('ca', ca),
      file('leaf', leaf),
    ]);
    t.equal(ours, c.ours, `ours: ${r.message ?? 'valid'}`);
    t.equal(r.conformance, 'strict', 'judged under the strict policy by default');
    if (c.failedIndex !== undefined) t.equal(r.failedIndex, c.failedIndex, 'the failing certificate');
    t.equal(o.ok, c.openssl, `openssl -x509_strict: ${o.out.trim().split('\n').slice(-2).join(' | ')}`);
    if ((ours === 'valid') !== o.ok) t.ok(c.why, `the difference is explained: ${c.why ?? 'NOT EXPLAINED'}`);
    table.push(`| ${c.name} | ${ours} | ${o.ok ? 'OK' : 'refused'} | ${c.why ?? ''} |`);
  });
}

void t.test('the lenient policy accepts what only §4 refuses, and says so', async (t) => {
  const names = [
    'CA with non-critical basicConstraints',
    'leaf serial number negative',
    'leaf without authorityKeyIdentifier',
    'expired trust anchor certificate',
    "anchor's own DNS constraint, leaf SAN outside",
  ];
  for (const name of names) {
    const c = CASES.find((x) => x.name === name)!;
    const { root, ca, leaf } = chain(c);
    const r = validatePath({
      trustAnchors: [root],
      intermediates: [ca],
      target: leaf,
      time: NOW,
      revocation: 'none',
      conformance: 'lenient',
    });
    t.ok(r.valid, `${c.name}: ${r.message ?? 'valid'}`);
    t.equal(r.conformance, 'lenient');
  }
});

void t.test('a self-signed certificate needs no authorityKeyIdentifier, even as the target (§4.2.1.1)', async (t) => {
  const { root } = chain(CASES[0]!);
  const r = validatePath({ trustAnchors: [root], target: root, time: NOW, revocation: 'none' });
  t.ok(r.valid, r.message ?? 'valid');
});

void t.test('an unreadable trust anchor certificate is refused as MALFORMED', async (t) => {
  const { root, ca, leaf } = chain(CASES[0]!);
  const r = validatePath({
    trustAnchors: [root.subarray(0, root.length - 3)],
    intermediates: [ca],
    target: leaf,
    time: NOW,
    revocation: 'none',
  });
  t.equal(r.reason, 'MALFORMED');
});

t.teardown(() => {
  t.comment(['| case | ours | openssl -x509_strict | why we differ |', ...table].join('\n'));
});
