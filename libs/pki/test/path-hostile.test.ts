// Hostile and awkward input to path validation: truncated and mutated DER,
// cross-certificate cycles, depth limits. Each must give a failure result, never a throw or a hang.
import t from 'tap';
import {
  caProfile,
  verifyCms,
  fixedClock,
  generateKeyPair,
  issueCertificate,
  keySigner,
  personProfile,
  validatePath,
  type Certificate,
} from '../src/index.ts';
import { withinSubtree } from '../src/path/name-constraints.ts';
import { buildHierarchy, NOW } from './helpers/hierarchy.ts';

const h = await buildHierarchy();
const base = {
  trustAnchors: [h.root.certificate],
  intermediates: [h.intermediate.certificate],
  crls: [h.rootCrl, h.intermediateCrl],
  time: NOW,
};

void t.test('truncated DER of the target is MALFORMED', async (t) => {
  const der = h.person.certificate.der;
  for (const cut of [0, 1, 2, 10, der.length >> 1, der.length - 1]) {
    const r = validatePath({ ...base, target: der.subarray(0, cut) });
    t.equal(r.reason, 'MALFORMED', `cut at ${cut}`);
  }
});

void t.test('a length field pointing past the end is MALFORMED', async (t) => {
  const der = Uint8Array.from(h.person.certificate.der);
  der[2] = 0xff;
  der[3] = 0xff;
  t.equal(validatePath({ ...base, target: der }).reason, 'MALFORMED');
  t.equal(validatePath({ ...base, target: Uint8Array.of(0x30, 0x84, 0xff, 0xff, 0xff, 0xff) }).reason, 'MALFORMED');
  t.equal(validatePath({ ...base, target: Uint8Array.of(0x30, 0x80, 0x30, 0x80, 0x30, 0x80) }).reason, 'MALFORMED');
  const deep = new Uint8Array(20_000);
  for (let i = 0; i < deep.length; i += 2) deep.set([0x30, 0x80], i);
  t.equal(validatePath({ ...base, target: deep }).reason, 'MALFORMED', '10 000 nested indefinite lengths');
  t.equal(verifyCms(deep).subIndication, 'FORMAT_FAILURE', 'the same as CMS');
});

void t.test('randomly mutated certificates and CRLs never throw', async (t) => {
  let seed = 12345;
  const rnd = (n: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  let failures = 0;
  for (let i = 0; i < 400; i++) {
    const cert = Uint8Array.from(h.person.certificate.der);
    const crl = Uint8Array.from(h.intermediateCrl.der);
    for (let k = 0; k < 1 + rnd(4); k++) {
      cert[rnd(cert.length)] = rnd(256);
      crl[rnd(crl.length)] = rnd(256);
    }
    const r = validatePath({ ...base, crls: [h.rootCrl, crl], target: cert });
    if (!r.valid) failures++;
  }
  t.ok(failures > 300, `mutations rejected: ${failures} of 400`);
});

void t.test('cross-certificate cycles terminate', async (t) => {
  const clock = fixedClock(NOW);
  const a = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const b = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const nameA = [{ type: 'CN', value: 'Cross A' }];
  const nameB = [{ type: 'CN', value: 'Cross B' }];
  const selfA = await issueCertificate(
    caProfile({ subject: nameA, publicKey: a.publicKey, notBefore: new Date('2026-01-01Z') }),
    { signer: keySigner(a.privateKey) },
    { clock },
  );
  const selfB = await issueCertificate(
    caProfile({ subject: nameB, publicKey: b.publicKey, notBefore: new Date('2026-01-01Z') }),
    { signer: keySigner(b.privateKey) },
    { clock },
  );
  const aByB = await issueCertificate(
    caProfile({ subject: nameA, publicKey: a.publicKey, notBefore: new Date('2026-01-01Z') }),
    { certificate: selfB, signer: keySigner(b.privateKey) },
    { clock },
  );
  const bByA = await issueCertificate(
    caProfile({ subject: nameB, publicKey: b.publicKey, notBefore: new Date('2026-01-01Z') }),
    { certificate: selfA, signer: keySigner(a.privateKey) },
    { clock },
  );
  const leafKeys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const leaf = await issueCertificate(
    personProfile({
      name: 'Leaf',
      title: 't',
      office: 'o',
      organisation: 'org',
      publicKey: leafKeys.publicKey,
      notBefore: new Date('2026-01-01Z'),
    }),
    { certificate: selfB, signer: keySigner(b.privateKey) },
    { clock },
  );
  const pool: Certificate[] = [aByB, bByA, aByB, bByA, selfA, selfB];
  const unrelated = validatePath({
    trustAnchors: [h.root.certificate],
    target: leaf,
    intermediates: pool,
    time: NOW,
    revocation: 'none',
  });
  t.equal(unrelated.reason, 'NO_PATH', 'no anchor reachable through the cycle');
  const viaA = validatePath({
    trustAnchors: [selfA],
    target: leaf,
    intermediates: pool,
    time: NOW,
    revocation: 'none',
  });
  t.ok(viaA.valid, `anchor A reached through B's cross-certificate: ${viaA.message ?? ''}`);
  t.same(
    viaA.chain.map((c) => c.subject.rdns.at(-1)![0]!.value),
    ['Leaf', 'Cross B', 'Cross A'],
  );
  const shallow = validatePath({
    trustAnchors: [selfA],
    target: leaf,
    intermediates: pool,
    time: NOW,
    revocation: 'none',
    maxDepth: 1,
  });
  t.equal(shallow.reason, 'NO_PATH', 'maxDepth bounds the search');
});

void t.test('IP address name constraints (RFC 5280 §4.2.1.10)', async (t) => {
  const net = { kind: 'ip' as const, value: Uint8Array.of(10, 1, 0, 0, 255, 255, 0, 0) };
  t.ok(withinSubtree({ kind: 'ip', value: Uint8Array.of(10, 1, 2, 3) }, net));
  t.notOk(withinSubtree({ kind: 'ip', value: Uint8Array.of(10, 2, 2, 3) }, net));
  t.notOk(withinSubtree({ kind: 'ip', value: new Uint8Array(16) }, net), 'IPv6 address against an IPv4 subtree');
  t.ok(withinSubtree({ kind: 'dns', value: 'vp.tinhuy.vn' }, { kind: 'dns', value: 'tinhuy.vn' }));
  t.notOk(withinSubtree({ kind: 'dns', value: 'xtinhuy.vn' }, { kind: 'dns', value: 'tinhuy.vn' }));
  t.ok(withinSubtree({ kind: 'uri', value: 'https://docs.tinhuy.vn/a' }, { kind: 'uri', value: '.tinhuy.vn' }));
  t.ok(withinSubtree({ kind: 'rfc822', value: 'a@tinhuy.vn' }, { kind: 'rfc822', value: 'tinhuy.vn' }));
});

void t.test('an explicit candidate path is validated as given', async (t) => {
  const ok = validatePath({
    ...base,
    intermediates: [],
    path: [h.intermediate.certificate],
    target: h.person.certificate,
  });
  t.ok(ok.valid, ok.message ?? '');
  const wrong = validatePath({
    ...base,
    intermediates: [],
    path: [h.intermediate.certificate, h.intermediate.certificate],
    target: h.person.certificate,
  });
  t.equal(wrong.reason, 'NAME_CHAINING', 'the intermediate did not issue itself');
  const notCa = validatePath({
    ...base,
    intermediates: [],
    path: [h.intermediate.certificate, h.seal.certificate],
    target: h.person.certificate,
  });
  t.equal(notCa.reason, 'BASIC_CONSTRAINTS', 'an end-entity certificate cannot issue');
  const none = validatePath({ ...base, intermediates: [], path: [h.seal.certificate], target: h.person.certificate });
  t.equal(none.reason, 'NO_PATH', 'no anchor issued the first certificate');
});
