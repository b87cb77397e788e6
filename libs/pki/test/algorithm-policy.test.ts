// The algorithm policy (ETSI TS 119 312 style): MD5 never, SHA-1 only before its sunset, RSA of
// 2048 bits, the accepted EC curves, DSA never; applied to CMS signers and to certificate paths.
// The weak signatures are made by the openssl command line: the library itself only signs with SHA-2.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import t from 'tap';
import {
  DEFAULT_ALGORITHM_POLICY,
  LEGACY_ALGORITHM_POLICY,
  checkAlgorithm,
  keyUse,
  readCertificate,
  subjectPublicKeyInfo,
  validatePath,
  verifyCms,
  verifySignedData,
  addSignatureTimeStamp,
  buildTimeStampRequest,
  fixedClock,
  issueTimeStampToken,
  keySigner,
  signCades,
  fromPem,
  summariseCmsReport,
  type AlgorithmUse,
} from '../src/index.ts';
import { NOW as HIERARCHY_NOW, buildHierarchy } from './helpers/hierarchy.ts';
import { scratch } from './helpers/openssl.ts';

const NOW = new Date('2026-06-01T00:00:00Z');
const BEFORE_SHA1_SUNSET = new Date('2015-06-01T00:00:00Z');
const BEFORE_RSA_SUNSET = new Date('2013-06-01T00:00:00Z');

void t.test('checkAlgorithm applies the dated rules and names the one broken', async (t) => {
  const md5 = checkAlgorithm({ kind: 'hash', hash: 'md5' }, NOW, new Date('2000-01-01T00:00:00Z'));
  t.equal(md5.ok ? undefined : md5.rule.name, 'TS119312:MD5', 'MD5 is refused even with a proof of existence in 2000');
  const sha1 = checkAlgorithm({ kind: 'hash', hash: 'sha1' }, NOW);
  t.equal(sha1.ok ? undefined : sha1.rule.name, 'TS119312:SHA1-SUNSET', 'SHA-1 after its sunset');
  t.match(sha1.ok ? '' : sha1.message, /TS119312:SHA1-SUNSET/, 'the message names the rule');
  t.ok(checkAlgorithm({ kind: 'hash', hash: 'sha1' }, BEFORE_SHA1_SUNSET).ok, 'SHA-1 validated before its sunset');
  t.ok(checkAlgorithm({ kind: 'hash', hash: 'sha1' }, NOW, BEFORE_SHA1_SUNSET).ok, 'SHA-1 proven to exist before it');
  t.notOk(checkAlgorithm({ kind: 'hash', hash: 'sha1' }, NOW, NOW).ok, 'a proof of existence after it does not help');
  t.ok(checkAlgorithm({ kind: 'hash', hash: 'sha256' }, NOW).ok, 'SHA-256');
  const rsa1024 = checkAlgorithm({ kind: 'rsa', bits: 1024 }, NOW);
  t.equal(rsa1024.ok ? undefined : rsa1024.rule.name, 'TS119312:RSA-2048', 'RSA-1024 today');
  t.ok(checkAlgorithm({ kind: 'rsa', bits: 1024 }, BEFORE_RSA_SUNSET).ok, 'RSA-1024 before 2014');
  const rsa512 = checkAlgorithm({ kind: 'rsa', bits: 512 }, BEFORE_RSA_SUNSET);
  t.equal(rsa512.ok ? undefined : rsa512.rule.name, 'TS119312:RSA-MIN-1024', 'RSA-512 at any date');
  t.ok(checkAlgorithm({ kind: 'rsa', bits: 2048 }, NOW).ok, 'RSA-2048');
  const k1 = checkAlgorithm({ kind: 'ec', curve: 'secp256k1' }, NOW);
  t.equal(k1.ok ? undefined : k1.rule.name, 'TS119312:EC-CURVE', 'secp256k1 is not an accepted curve');
  t.ok(checkAlgorithm({ kind: 'ec', curve: 'prime256v1' }, NOW).ok, 'P-256');
  const dsa = checkAlgorithm({ kind: 'dsa', bits: 2048 }, NOW);
  t.equal(dsa.ok ? undefined : dsa.rule.name, 'TS119312:DSA', 'DSA');
  t.ok(checkAlgorithm({ kind: 'dsa', bits: 1024 }, NOW, undefined, LEGACY_ALGORITHM_POLICY).ok, 'a lenient table');
  t.ok(checkAlgorithm({ kind: 'hash', hash: 'sha1' }, NOW, undefined, []).ok, 'an empty table accepts all');
  t.equal(new Set(DEFAULT_ALGORITHM_POLICY.map((r) => r.name)).size, DEFAULT_ALGORITHM_POLICY.length, 'names unique');
});

void t.test('keyUse reads the key type and size from the SubjectPublicKeyInfo', async (t) => {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
  t.same(keyUse(subjectPublicKeyInfo(rsa)), { kind: 'rsa', bits: 1024 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).publicKey;
  t.same(keyUse(subjectPublicKeyInfo(ec)), { kind: 'ec', curve: 'secp256k1' });
  t.same(keyUse(new Uint8Array([0x30, 0x00])), { kind: 'unknown-key', type: 'unreadable' });
});

const s = scratch('lienthong-algorithms-');
t.teardown(s.cleanup);
const run = (args: string[]): void => {
  const r = s.openssl(args);
  if (!r.ok) throw new Error(`openssl ${args.join(' ')}: ${r.out}`);
};
const content = s.file('content.txt', 'Nghị quyết số 12-NQ/TW');
const selfSigned = (name: string, keyArgs: string[], md = 'sha256'): void =>
  run([
    'req',
    '-x509',
    '-newkey',
    ...keyArgs,
    '-nodes',
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
    '-subj',
    `/CN=${name}`,
    `-${md}`,
    '-days',
    '3650',
  ]);
const cmsSign = (name: string, md: string): Uint8Array => {
  run([
    'cms',
    '-sign',
    '-binary',
    '-nodetach',
    '-md',
    md,
    '-in',
    content,
    '-signer',
    `${name}.pem`,
    '-inkey',
    `${name}.key`,
    '-outform',
    'DER',
    '-out',
    `${name}-${md}.p7s`,
  ]);
  return new Uint8Array(readFileSync(join(s.dir, `${name}-${md}.p7s`)));
};

void t.test('CMS signers: the digest, the signature hash and the key under the policy', async (t) => {
  selfSigned('rsa2048', ['rsa:2048']);
  selfSigned('rsa1024', ['rsa:1024']);
  run(['ecparam', '-name', 'secp256k1', '-out', 'k1.param']);
  selfSigned('k1', ['ec:k1.param']);
  const sha1 = cmsSign('rsa2048', 'sha1');
  const r = verifySignedData(sha1, { time: NOW });
  t.same(
    [r.indication, r.subIndication, r.policyRule],
    ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:SHA1-SUNSET'],
  );
  t.match(r.message, /TS119312:SHA1-SUNSET/, 'the message names the rule');
  t.equal(r.integrity, true, 'the signature itself verifies: it is the acceptance that fails (EN 319 102-1 §5.2.8)');
  t.equal(verifyCms(sha1, { time: NOW }).policyRule, 'TS119312:SHA1-SUNSET', 'verifyCms too');
  const before = verifySignedData(sha1, { time: BEFORE_SHA1_SUNSET });
  t.equal(
    before.subIndication,
    'NO_CERTIFICATE_CHAIN_FOUND',
    `before the sunset only trust is missing: ${before.message}`,
  );
  t.equal(
    verifySignedData(sha1, { time: NOW, algorithmPolicy: LEGACY_ALGORITHM_POLICY }).subIndication,
    'NO_CERTIFICATE_CHAIN_FOUND',
    'a lenient table accepts SHA-1',
  );
  for (const time of [NOW, new Date('2000-01-01T00:00:00Z')]) {
    const md5 = verifySignedData(cmsSign('rsa2048', 'md5'), { time, algorithmPolicy: LEGACY_ALGORITHM_POLICY });
    t.same(
      [md5.subIndication, md5.policyRule],
      ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:MD5'],
      `MD5 at ${time.toISOString()}`,
    );
  }
  const small = verifySignedData(cmsSign('rsa1024', 'sha256'), { time: NOW });
  t.same([small.subIndication, small.policyRule], ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:RSA-2048'], small.message);
  const big = verifySignedData(cmsSign('rsa2048', 'sha256'), { time: NOW });
  t.equal(big.subIndication, 'NO_CERTIFICATE_CHAIN_FOUND', `RSA-2048 with SHA-256 passes the policy: ${big.message}`);
  const curve = verifySignedData(cmsSign('k1', 'sha256'), { time: NOW });
  t.same([curve.subIndication, curve.policyRule], ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:EC-CURVE'], curve.message);
});

void t.test('certificate paths: the signature hash and the issuer key, WEAK_ALGORITHM', async (t) => {
  selfSigned('ca1024', ['rsa:1024']);
  selfSigned('ca2048', ['rsa:2048']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ee.key', '-out', 'ee.csr', '-subj', '/CN=ee']);
  const issue = (ca: string, md: string): Uint8Array => {
    run([
      'x509',
      '-req',
      '-in',
      'ee.csr',
      '-CA',
      `${ca}.pem`,
      '-CAkey',
      `${ca}.key`,
      '-set_serial',
      '7',
      `-${md}`,
      '-days',
      '365',
      '-outform',
      'DER',
      '-out',
      `ee-${ca}-${md}.der`,
    ]);
    return new Uint8Array(readFileSync(join(s.dir, `ee-${ca}-${md}.der`)));
  };
  const pem = (f: string): Uint8Array => new Uint8Array(readFileSync(join(s.dir, f)));
  const der = (name: string): Uint8Array => {
    run(['x509', '-in', `${name}.pem`, '-outform', 'DER', '-out', `${name}.der`]);
    return pem(`${name}.der`);
  };
  const ca1024 = readCertificate(der('ca1024'));
  const ca2048 = readCertificate(der('ca2048'));
  const ee = issue('ca1024', 'sha256');
  const time = new Date(readCertificate(ee).notBefore.getTime() + 3_600_000);
  const common = { target: ee, revocation: 'none' as const, conformance: 'lenient' as const, time };
  const weakKey = validatePath({ ...common, trustAnchors: [ca1024] });
  t.same(
    [weakKey.valid, weakKey.reason, weakKey.policyRule, weakKey.failedIndex],
    [false, 'WEAK_ALGORITHM', 'TS119312:RSA-2048', 0],
  );
  t.match(weakKey.message ?? '', /TS119312:RSA-2048/);
  t.ok(
    validatePath({ ...common, trustAnchors: [ca1024], algorithmPolicy: LEGACY_ALGORITHM_POLICY }).valid,
    'lenient table',
  );
  const sha1 = validatePath({ ...common, target: issue('ca2048', 'sha1'), trustAnchors: [ca2048] });
  t.same([sha1.reason, sha1.policyRule], ['WEAK_ALGORITHM', 'TS119312:SHA1-SUNSET'], sha1.message ?? '');
  const good = validatePath({ ...common, target: issue('ca2048', 'sha256'), trustAnchors: [ca2048] });
  t.ok(good.valid, `RSA-2048 issuer and SHA-256: ${good.message ?? ''}`);
  run(['x509', '-inform', 'DER', '-in', 'ee-ca1024-sha256.der', '-out', 'ee.pem']);
  run([
    'cms',
    '-sign',
    '-binary',
    '-nodetach',
    '-md',
    'sha256',
    '-in',
    content,
    '-signer',
    'ee.pem',
    '-inkey',
    'ee.key',
    '-outform',
    'DER',
    '-out',
    'ee.p7s',
  ]);
  const r = verifySignedData(pem('ee.p7s'), {
    trustAnchors: [ca1024],
    revocation: 'none',
    conformance: 'lenient',
    time,
  });
  t.same(
    [r.indication, r.subIndication, r.policyRule],
    ['INDETERMINATE', 'CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:RSA-2048'],
    r.message,
  );
});

void t.test('the policy reaches the time-stamp tokens verifyCms follows', async (t) => {
  const h = await buildHierarchy();
  const doc = Buffer.from('Công văn số 88-CV/VPTW', 'utf8');
  const chain = [h.intermediate.certificate];
  const bb = await signCades(doc, keySigner(h.person.privateKey), { certificate: h.person.certificate, chain });
  const bt = await addSignatureTimeStamp(bb, async (imprint, hash) =>
    issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint, nonce: true }),
      tsaCertificate: h.tsa.certificate,
      chain,
      signer: keySigner(h.tsa.privateKey),
      clock: fixedClock(HIERARCHY_NOW),
      serialNumber: 1n,
      policy: '1.3.6.1.4.1.99999.2.1',
    }),
  );
  const base = { detachedContent: doc, trustAnchors: [h.root.certificate], revocation: 'none' as const };
  const passed = verifyCms(bt, { ...base, time: HIERARCHY_NOW });
  t.same([passed.indication, passed.timestamps?.[0]?.valid], ['TOTAL_PASSED', true], passed.message);
  // The test root's key is RSA: a table refusing RSA refuses every path under it, the TSA's included.
  const noRsa = [{ name: 'TEST:NO-RSA', description: 'No RSA.', applies: (u: AlgorithmUse) => u.kind === 'rsa' }];
  const r = verifyCms(bt, { ...base, time: HIERARCHY_NOW, algorithmPolicy: noRsa });
  t.equal(r.timestamps?.[0]?.valid, false, 'the token is judged by the same table');
  t.match(r.timestamps?.[0]?.message ?? '', /TEST:NO-RSA/, 'and names its rule');
  t.same([r.subIndication, r.policyRule], ['CRYPTO_CONSTRAINTS_FAILURE', 'TEST:NO-RSA'], r.message);
});

void t.test('the JSON summary names the rule, and for a weak path the certificate that broke it', async (t) => {
  const signer = summariseCmsReport(verifySignedData(cmsSign('rsa2048', 'sha1'), { time: NOW }));
  t.same(
    [signer.subIndication, signer.policyRule, signer.signers[0]?.policyRule, signer.pathFailure],
    ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:SHA1-SUNSET', 'TS119312:SHA1-SUNSET', undefined],
    'a weak signer: the rule, no path failure',
  );
  selfSigned('pathca1024', ['rsa:1024']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'pathee.key', '-out', 'pathee.csr', '-subj', '/CN=path ee']);
  run([
    'x509',
    '-req',
    '-in',
    'pathee.csr',
    '-CA',
    'pathca1024.pem',
    '-CAkey',
    'pathca1024.key',
    '-set_serial',
    '9',
    '-days',
    '365',
    '-out',
    'pathee.pem',
  ]);
  const ee = readCertificate(fromPem(readFileSync(join(s.dir, 'pathee.pem'), 'latin1'))[0]!.der);
  const ca = readCertificate(fromPem(readFileSync(join(s.dir, 'pathca1024.pem'), 'latin1'))[0]!.der);
  const cms = cmsSign('pathee', 'sha256');
  const time = new Date(ee.notBefore.getTime() + 3_600_000);
  const json = summariseCmsReport(
    verifyCms(cms, { trustAnchors: [ca], revocation: 'none', conformance: 'lenient', time }),
  );
  t.same(
    [json.subIndication, json.policyRule, json.pathFailure?.reason, json.pathFailure?.policyRule],
    ['CRYPTO_CONSTRAINTS_FAILURE', 'TS119312:RSA-2048', 'WEAK_ALGORITHM', 'TS119312:RSA-2048'],
  );
  t.equal(json.pathFailure?.failedIndex, 0, 'the signer certificate, signed by the 1024-bit key');
  t.equal(json.pathFailure?.certificate?.subject, 'CN=path ee');
  t.match(json.pathFailure?.message ?? '', /RSA-1024 refused by TS119312:RSA-2048/);
  t.same(JSON.parse(JSON.stringify(json.signers[0]?.pathFailure)), json.pathFailure, 'plain JSON');
});
