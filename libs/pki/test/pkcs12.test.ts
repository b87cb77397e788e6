// PKCS#12 import without node-forge: files made by the openssl command line import,
// hostile or broken files fail with PKCS12_INVALID and a reason that says why.
import { createHmac, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import { runTool, skipUnless } from '../../../test/support/judges.ts';
import { encoded, explicit, parseDer, readOctetString, sequence } from '../src/der/reader.ts';
import { ctx, int, octets, oid, seq } from '../src/der/writer.ts';
import {
  exportPrivateKey,
  importPkcs12,
  isPkiError,
  toPem,
  type Certificate,
  type Pkcs12Contents,
} from '../src/index.ts';
import { DIGESTS, bmpPassword, pkcs12Kdf } from '../src/pkcs12/kdf.ts';
import { buildHierarchy, type Entity } from './helpers/hierarchy.ts';

const skip = skipUnless('openssl');
const h = await buildHierarchy();
const dir = mkdtempSync(join(tmpdir(), 'pki-pkcs12-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

const VIETNAMESE = 'Mật khẩu 2026';
const file = (name: string, data: string | Uint8Array): string => {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
};
const chainPem = file(
  'chain.pem',
  toPem('CERTIFICATE', h.intermediate.certificate.der) + toPem('CERTIFICATE', h.root.certificate.der),
);
const pems = (name: string, e: Entity): { key: string; cert: string } => ({
  key: file(`${name}.key`, toPem('PRIVATE KEY', exportPrivateKey(e.privateKey))),
  cert: file(`${name}.crt`, toPem('CERTIFICATE', e.certificate.der)),
});
const rsa = pems('rsa', h.person);
const ec = pems('ec', h.seal);

let count = 0;
/** `openssl pkcs12 -export` of an entity's key and certificate with the CA chain, plus extra options. */
async function exportP12(
  t: Test,
  files: { key: string; cert: string },
  password: string,
  extra: readonly string[] = [],
): Promise<Uint8Array> {
  const out = join(dir, `out-${++count}.p12`);
  const r = await runTool('openssl', [
    'pkcs12',
    '-export',
    '-inkey',
    files.key,
    '-in',
    files.cert,
    '-certfile',
    chainPem,
    '-passout',
    `pass:${password}`,
    '-out',
    out,
    ...extra,
  ]);
  t.equal(r.code, 0, `openssl pkcs12 -export ${extra.join(' ')}: ${r.stderr}`);
  return new Uint8Array(readFileSync(out));
}

function failure(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (isPkiError(e, 'PKCS12_INVALID')) return e.message;
    return `unexpected ${String(e)}`;
  }
  return 'no error';
}

const fingerprints = (certs: readonly Certificate[]): string[] => certs.map((c) => c.fingerprint).sort();

function checkImported(t: Test, got: Pkcs12Contents, e: Entity, label: string): void {
  t.equal(got.certificate.fingerprint, e.certificate.fingerprint, `${label}: the certificate of the key`);
  t.same(
    fingerprints(got.chain),
    fingerprints([h.intermediate.certificate, h.root.certificate]),
    `${label}: the two CA certificates as the chain`,
  );
  const message = Buffer.from(`văn bản ký bởi ${label}`);
  const signature = sign('sha256', message, got.privateKey);
  t.ok(
    verify(
      'sha256',
      message,
      createPublicKey({ key: Buffer.from(e.certificate.spki), format: 'der', type: 'spki' }),
      signature,
    ),
    `${label}: the key signs what the certificate's key verifies`,
  );
}

/** A PFX around `authSafe` (AuthenticatedSafe DER) with a MAC (RFC 7292 §4, Appendix B), to build hostile files. */
function sealPfx(authSafe: Uint8Array, password: string, iterations = 2048): Uint8Array {
  const salt = randomBytes(8);
  const digest = DIGESTS['2.16.840.1.101.3.4.2.1']!;
  const key = pkcs12Kdf(digest, bmpPassword(password), salt, iterations, 3, digest.u);
  const mac = createHmac('sha256', key).update(authSafe).digest();
  const authSafeInfo = seq(oid('1.2.840.113549.1.7.1'), ctx(0, octets(authSafe)));
  return seq(
    int(3),
    authSafeInfo,
    seq(seq(seq(oid('2.16.840.1.101.3.4.2.1')), octets(mac)), octets(salt), int(iterations)),
  );
}

/** BER as Windows and Java write it: indefinite lengths, the AuthenticatedSafe in OCTET STRING segments. */
function berPfx(authSafe: Uint8Array, password: string): Uint8Array {
  const der = parseDer(sealPfx(authSafe, password));
  const [version, , macData] = sequence(der, 'PFX');
  const half = authSafe.length >> 1;
  const indefinite = (tag: number, ...parts: Uint8Array[]): Uint8Array =>
    Buffer.concat([Uint8Array.of(tag, 0x80), ...parts, Uint8Array.of(0, 0)]);
  const segments = indefinite(0x24, octets(authSafe.subarray(0, half)), octets(authSafe.subarray(half)));
  return indefinite(
    0x30,
    encoded(version!),
    indefinite(0x30, oid('1.2.840.113549.1.7.1'), indefinite(0xa0, segments)),
    encoded(macData!),
  );
}

/** A small deterministic generator (LCG) so that the mutations are the same on every run. */
function lcg(seed: number): () => number {
  let x = seed;
  return () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
}

/** An AuthenticatedSafe of one id-data ContentInfo holding the given SafeBags. */
const clearSafe = (...bags: Uint8Array[]): Uint8Array =>
  seq(seq(oid('1.2.840.113549.1.7.1'), ctx(0, octets(seq(...bags)))));
const bag = (bagId: string, value: Uint8Array): Uint8Array => seq(oid(bagId), ctx(0, value));
const certBag = (c: Certificate): Uint8Array =>
  bag('1.2.840.113549.1.12.10.1.3', seq(oid('1.2.840.113549.1.9.22.1'), ctx(0, octets(c.der))));
const keyBag = (e: Entity): Uint8Array => bag('1.2.840.113549.1.12.10.1.1', exportPrivateKey(e.privateKey));
/** A pkcs8ShroudedKeyBag with PBES2/PBKDF2 parameters of our choosing and a dummy ciphertext. */
const shroudedBag = (iterations: number, scheme: string): Uint8Array =>
  bag(
    '1.2.840.113549.1.12.10.1.2',
    seq(
      seq(
        oid('1.2.840.113549.1.5.13'),
        seq(
          seq(oid('1.2.840.113549.1.5.12'), seq(octets(randomBytes(16)), int(iterations))),
          seq(oid(scheme), octets(randomBytes(16))),
        ),
      ),
      octets(randomBytes(48)),
    ),
  );

void t.test('files made by openssl import as key + certificate + chain', { skip }, async (t) => {
  const cases: [string, { key: string; cert: string }, Entity, string, string[]][] = [
    ['RSA, OpenSSL 3 defaults (PBES2 AES-256-CBC, PBKDF2-SHA256, SHA-256 MAC)', rsa, h.person, 'secret', []],
    ['EC P-256, OpenSSL 3 defaults', ec, h.seal, 'secret', []],
    [
      'RSA, PBE-SHA1-3DES for key and certificates, SHA-1 MAC',
      rsa,
      h.person,
      'secret',
      ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    ],
    ['EC, PBE-SHA1-2DES key', ec, h.seal, 'secret', ['-keypbe', 'PBE-SHA1-2DES']],
    ['EC, certificates unencrypted (-certpbe NONE)', ec, h.seal, 'secret', ['-certpbe', 'NONE']],
    [
      'RSA, nothing encrypted (keyBag), SHA-512 MAC',
      rsa,
      h.person,
      'secret',
      ['-keypbe', 'NONE', '-certpbe', 'NONE', '-macalg', 'sha512'],
    ],
    [
      'EC, AES-128-CBC key, 3DES certificates (-descert), SHA-384 MAC',
      ec,
      h.seal,
      'secret',
      ['-keypbe', 'AES-128-CBC', '-descert', '-macalg', 'sha384'],
    ],
    ['RSA, Vietnamese password, defaults', rsa, h.person, VIETNAMESE, []],
    [
      'EC, Vietnamese password, PBE-SHA1-3DES (BMPString password)',
      ec,
      h.seal,
      VIETNAMESE,
      ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'],
    ],
    ['EC, empty password, defaults', ec, h.seal, '', []],
    [
      'RSA, empty password, PBE-SHA1-3DES',
      rsa,
      h.person,
      '',
      ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES'],
    ],
  ];
  for (const [label, files, e, password, extra] of cases) {
    const pfx = await exportP12(t, files, password, extra);
    checkImported(t, importPkcs12(pfx, password), e, label);
  }
});

void t.test(
  'a key shrouded by node:crypto (PBES2, UTF-8 password) in a file sealed here, accepted by openssl too',
  { skip },
  async (t) => {
    const shrouded = h.person.privateKey.export({
      type: 'pkcs8',
      format: 'der',
      cipher: 'aes-256-cbc',
      passphrase: VIETNAMESE,
    });
    const pfx = sealPfx(
      clearSafe(
        bag('1.2.840.113549.1.12.10.1.2', new Uint8Array(shrouded)),
        certBag(h.person.certificate),
        certBag(h.intermediate.certificate),
        certBag(h.root.certificate),
      ),
      VIETNAMESE,
    );
    checkImported(t, importPkcs12(pfx, VIETNAMESE), h.person, 'sealed here');
    const r = await runTool('openssl', [
      'pkcs12',
      '-in',
      file('sealed.p12', pfx),
      '-passin',
      `pass:${VIETNAMESE}`,
      '-noout',
    ]);
    t.equal(r.code, 0, `openssl checks the MAC of the test's own PFX builder: ${r.stderr}`);
  },
);

void t.test('BER with indefinite lengths and a segmented authSafe (Windows, Java) is read', { skip }, async (t) => {
  const pfx = await exportP12(t, ec, 'secret');
  const [, info] = sequence(parseDer(pfx), 'PFX');
  const [, wrapped] = sequence(info, 'ContentInfo');
  const authSafe = readOctetString(explicit(wrapped!));
  checkImported(t, importPkcs12(berPfx(authSafe, 'secret'), 'secret'), h.seal, 'BER');
});

void t.test('mutated contents under a valid MAC fail with PKCS12_INVALID, never another error', { skip }, async (t) => {
  const pfx = await exportP12(t, rsa, VIETNAMESE, ['-keypbe', 'PBE-SHA1-3DES', '-iter', '16']);
  const [, info] = sequence(parseDer(pfx), 'PFX');
  const [, wrapped] = sequence(info, 'ContentInfo');
  const authSafe = readOctetString(explicit(wrapped!));
  const next = lcg(7292);
  const outcomes = new Set<string>();
  for (let i = 0; i < 300; i++) {
    const m = Uint8Array.from(authSafe);
    for (let k = 0; k <= i % 3; k++) m[next() % m.length] = next() & 0xff;
    const message = failure(() => importPkcs12(sealPfx(m, VIETNAMESE, 1), VIETNAMESE));
    outcomes.add(message.startsWith('unexpected') ? message : 'PKCS12_INVALID or read');
  }
  t.same([...outcomes], ['PKCS12_INVALID or read']);
});

void t.test('a wrong password, a damaged or hostile file: PKCS12_INVALID with the reason', { skip }, async (t) => {
  const pfx = await exportP12(t, ec, 'secret');
  t.match(
    failure(() => importPkcs12(pfx, 'wrong')),
    /Wrong password, or the file was altered/,
    'wrong password',
  );
  t.match(
    failure(() => importPkcs12(pfx, VIETNAMESE)),
    /Wrong password/,
    'wrong Vietnamese password',
  );
  t.match(
    failure(() => importPkcs12(pfx.subarray(0, pfx.length >> 1), 'secret')),
    /not a well-formed PKCS#12 structure/,
    'truncated',
  );
  t.match(
    failure(() => importPkcs12(randomBytes(2000), 'secret')),
    /not a well-formed PKCS#12 structure/,
    'random bytes',
  );
  t.match(
    failure(() => importPkcs12(Buffer.from('-----BEGIN CERTIFICATE-----\nnot a pfx\n'), 'secret')),
    /not a well-formed PKCS#12 structure/,
    'text',
  );
  t.match(
    failure(() => importPkcs12(new Uint8Array(0), 'secret')),
    /not a well-formed PKCS#12 structure/,
    'empty input',
  );

  const [, , macData] = sequence(parseDer(pfx), 'PFX');
  const [digestInfo] = sequence(macData, 'MacData');
  const [, macNode] = sequence(digestInfo, 'DigestInfo');
  const flipped = Uint8Array.from(pfx);
  flipped[macNode!.contentStart + 3]! ^= 0x01;
  t.match(
    failure(() => importPkcs12(flipped, 'secret')),
    /integrity MAC does not match/,
    'a MAC byte flipped',
  );

  const [version, authSafeInfo] = sequence(parseDer(pfx), 'PFX');
  const [di, salt] = sequence(macData, 'MacData');
  const hugeMac = seq(encoded(version!), encoded(authSafeInfo!), seq(encoded(di!), encoded(salt!), int(0x7fffffff)));
  t.match(
    failure(() => importPkcs12(hugeMac, 'secret')),
    /iteration count of the MAC \(2147483647\) exceeds 1000000/,
    'huge MAC iteration count',
  );

  const hugeKdf = sealPfx(
    clearSafe(shroudedBag(0x7fffffff, '2.16.840.1.101.3.4.1.42'), certBag(h.seal.certificate)),
    'secret',
  );
  t.match(
    failure(() => importPkcs12(hugeKdf, 'secret')),
    /iteration count of the PBKDF2 of the private key \(2147483647\) exceeds/,
    'huge PBKDF2 iteration count',
  );

  const unknownOid = sealPfx(clearSafe(shroudedBag(2048, '1.2.3.4.5'), certBag(h.seal.certificate)), 'secret');
  t.match(
    failure(() => importPkcs12(unknownOid, 'secret')),
    /private key is encrypted with 1\.2\.3\.4\.5, which is not supported/,
    'unknown encryption OID',
  );

  const camellia = await exportP12(t, ec, 'secret', ['-keypbe', 'CAMELLIA-256-CBC']);
  t.match(
    failure(() => importPkcs12(camellia, 'secret')),
    /private key is encrypted with 1\.2\.392\.200011\.61\.1\.1\.1\.4, which is not supported.*-keypbe AES-256-CBC/,
    'Camellia (made by openssl)',
  );

  let nested = certBag(h.seal.certificate);
  for (let i = 0; i < 5; i++) nested = bag('1.2.840.113549.1.12.10.1.6', seq(nested));
  t.match(
    failure(() => importPkcs12(sealPfx(clearSafe(keyBag(h.seal), nested), 'secret'), 'secret')),
    /SafeContents nested more than 2 deep/,
    'deep nesting',
  );
  let shallow = certBag(h.seal.certificate);
  for (let i = 0; i < 2; i++) shallow = bag('1.2.840.113549.1.12.10.1.6', seq(shallow));
  t.equal(
    importPkcs12(sealPfx(clearSafe(keyBag(h.seal), shallow), 'secret'), 'secret').certificate.fingerprint,
    h.seal.certificate.fingerprint,
    'nesting 2 deep is read',
  );

  const notACert = sealPfx(
    clearSafe(
      keyBag(h.seal),
      bag('1.2.840.113549.1.12.10.1.3', seq(oid('1.2.840.113549.1.9.22.1'), ctx(0, octets(randomBytes(64))))),
    ),
    'secret',
  );
  t.match(
    failure(() => importPkcs12(notACert, 'secret')),
    /A certificate in the file is malformed/,
    'garbage in a certBag',
  );
});

void t.test('files that are whole but not what an import needs', { skip }, async (t) => {
  const noKeys = await exportP12(t, ec, 'secret', ['-nokeys']);
  t.match(
    failure(() => importPkcs12(noKeys, 'secret')),
    /No private key in the file/,
    '-nokeys',
  );
  const noCerts = join(dir, 'nocerts.p12');
  const r = await runTool('openssl', [
    'pkcs12',
    '-export',
    '-nocerts',
    '-inkey',
    ec.key,
    '-passout',
    'pass:secret',
    '-out',
    noCerts,
  ]);
  t.equal(r.code, 0, r.stderr);
  t.match(
    failure(() => importPkcs12(new Uint8Array(readFileSync(noCerts)), 'secret')),
    /No certificate in the file matches the private key/,
    '-nocerts',
  );
  const noMac = await exportP12(t, ec, 'secret', ['-nomac']);
  t.match(
    failure(() => importPkcs12(noMac, 'secret')),
    /no integrity check/,
    '-nomac',
  );
  const otherPassword = h.seal.privateKey.export({
    type: 'pkcs8',
    format: 'der',
    cipher: 'aes-256-cbc',
    passphrase: 'another password',
  });
  const twoPass = sealPfx(
    clearSafe(bag('1.2.840.113549.1.12.10.1.2', new Uint8Array(otherPassword)), certBag(h.seal.certificate)),
    'secret',
  );
  t.match(
    failure(() => importPkcs12(twoPass, 'secret')),
    /private key could not be decrypted/,
    'key under another password than the MAC',
  );
  const legacy = join(dir, 'legacy.p12');
  const r3 = await runTool('openssl', [
    'pkcs12',
    '-export',
    '-legacy',
    '-inkey',
    ec.key,
    '-in',
    ec.cert,
    '-passout',
    'pass:secret',
    '-out',
    legacy,
  ]);
  if (r3.code === 0) {
    const message = failure(() => importPkcs12(new Uint8Array(readFileSync(legacy)), 'secret'));
    t.ok(
      /no longer provides.*-certpbe AES-256-CBC/.test(message) || message === 'no error',
      `RC2 (-legacy): refused with advice, or read where RC2 exists: ${message}`,
    );
  }
});
