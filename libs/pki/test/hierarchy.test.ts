// Certificates and CRLs built by the library, judged by our path validator and by `openssl verify`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import {
  ACCESS_METHOD,
  KeyUsageBit,
  accessUris,
  issueCertificate,
  keySigner,
  readInfoAccess,
  assembleCertificate,
  buildTbsCertificate,
  generateKeyPair,
  personProfile,
  signWithKey,
  OID,
  decryptPrivateKey,
  encryptPrivateKey,
  exportPrivateKey,
  fromPem,
  importPkcs12,
  isPkiError,
  keyMatchesSpki,
  nameValues,
  readCertificate,
  readCrl,
  toPem,
  validatePath,
} from '../src/index.ts';
import { NOW, buildHierarchy } from './helpers/hierarchy.ts';

const h = await buildHierarchy();
const dir = mkdtempSync(join(tmpdir(), 'pki-hierarchy-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};
const rootPem = write('root.pem', toPem('CERTIFICATE', h.root.certificate.der));
const interPem = write('inter.pem', toPem('CERTIFICATE', h.intermediate.certificate.der));
const crlPem = write('crls.pem', toPem('X509 CRL', h.rootCrl.der) + toPem('X509 CRL', h.intermediateCrl.der));
const attime = String(Math.floor(NOW.getTime() / 1000));

function opensslVerify(leafDer: Uint8Array, extra: string[] = []): { ok: boolean; out: string } {
  const leaf = write('leaf.pem', toPem('CERTIFICATE', leafDer));
  try {
    const out = execFileSync(
      'openssl',
      ['verify', '-attime', attime, '-CAfile', rootPem, '-untrusted', interPem, ...extra, leaf],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    );
    return { ok: true, out };
  } catch (e) {
    return { ok: false, out: String((e as { stdout?: string; stderr?: string }).stderr ?? e) };
  }
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isPkiError(e) ? e.code : 'not a PkiError';
  }
  return undefined;
}

const base = {
  trustAnchors: [h.root.certificate],
  intermediates: [h.intermediate.certificate],
  crls: [h.rootCrl, h.intermediateCrl],
  time: NOW,
};

void t.test('each end entity validates with our path validator and with openssl verify', async (t) => {
  for (const [name, e] of Object.entries({ person: h.person, seal: h.seal, tsa: h.tsa, ocsp: h.ocsp })) {
    const r = validatePath({ ...base, target: e.certificate });
    t.ok(r.valid, `${name}: ${r.reason ?? 'valid'} ${r.message ?? ''}`);
    t.equal(r.chain.length, 3, `${name}: chain leaf → intermediate → root`);
    const o = opensslVerify(e.certificate.der, ['-crl_check_all', '-CRLfile', crlPem]);
    t.ok(o.ok, `${name}: openssl verify ${o.out.trim()}`);
  }
});

void t.test('the profiles carry the subject and extensions the project needs', async (t) => {
  const person = h.person.certificate;
  t.same(nameValues(person.subject, OID.commonName), ['Nguyễn Văn An']);
  t.same(nameValues(person.subject, OID.title), ['Chánh Văn phòng']);
  t.same(nameValues(person.subject, OID.organizationalUnitName), ['Văn phòng Tỉnh ủy']);
  t.ok((person.keyUsage! & (1 << KeyUsageBit.nonRepudiation)) !== 0, 'person: nonRepudiation');
  const tsaEku = h.tsa.certificate.extensions.find((x) => x.oid === OID.extKeyUsage);
  t.equal(tsaEku?.critical, true, 'TSA extKeyUsage is critical');
  t.same(h.tsa.certificate.extKeyUsage, [OID.timeStamping]);
  t.same(h.ocsp.certificate.extKeyUsage, [OID.ocspSigning]);
  t.ok(
    opensslVerify(h.tsa.certificate.der, ['-purpose', 'timestampsign']).ok,
    'openssl accepts the TSA for timestampsign',
  );
  t.equal(h.intermediate.certificate.basicConstraints?.pathLenConstraint, 0);
});

void t.test('required EKU filters the target', async (t) => {
  t.ok(validatePath({ ...base, target: h.tsa.certificate, requiredExtendedKeyUsages: [OID.timeStamping] }).valid);
  const r = validatePath({ ...base, target: h.ocsp.certificate, requiredExtendedKeyUsages: [OID.timeStamping] });
  t.equal(r.reason, 'EXTENDED_KEY_USAGE');
  t.equal(
    validatePath({ ...base, target: h.ocsp.certificate, requiredKeyUsages: [KeyUsageBit.nonRepudiation] }).reason,
    'KEY_USAGE',
  );
});

void t.test('a revoked certificate fails here and in openssl', async (t) => {
  const r = validatePath({ ...base, target: h.revokedPerson.certificate });
  t.equal(r.reason, 'REVOKED');
  const o = opensslVerify(h.revokedPerson.certificate.der, ['-crl_check_all', '-CRLfile', crlPem]);
  t.notOk(o.ok);
  t.match(o.out, /revoked/);
  const before = validatePath({ ...base, target: h.revokedPerson.certificate, time: new Date('2026-05-01T00:00:00Z') });
  t.ok(before.valid, 'valid at a time before the revocation date, judged with the later CRL');
});

void t.test('missing CRLs give NO_CRL unless revocation checking is off', async (t) => {
  t.equal(validatePath({ ...base, crls: [], target: h.person.certificate }).reason, 'NO_CRL');
  t.ok(validatePath({ ...base, crls: [], revocation: 'none', target: h.person.certificate }).valid);
});

void t.test('validity at time T: before notBefore and after notAfter', async (t) => {
  t.equal(
    validatePath({ ...base, revocation: 'none', target: h.person.certificate, time: new Date('2025-12-01T00:00:00Z') })
      .reason,
    'NOT_YET_VALID',
  );
  t.equal(
    validatePath({ ...base, revocation: 'none', target: h.person.certificate, time: new Date('2029-01-01T00:00:00Z') })
      .reason,
    'EXPIRED',
  );
});

void t.test('PEM and DER round trip', async (t) => {
  const pem = toPem('CERTIFICATE', h.person.certificate.der) + toPem('X509 CRL', h.intermediateCrl.der);
  const blocks = fromPem(pem);
  t.same(
    blocks.map((b) => b.label),
    ['CERTIFICATE', 'X509 CRL'],
  );
  t.equal(readCertificate(blocks[0]!.der).fingerprint, h.person.certificate.fingerprint);
  t.equal(readCrl(blocks[1]!.der).entries.length, 1);
  const text = execFileSync(
    'openssl',
    [
      'x509',
      '-noout',
      '-subject',
      '-nameopt',
      'utf8,sep_comma_plus',
      '-in',
      write('p.pem', pem.split('-----END CERTIFICATE-----')[0] + '-----END CERTIFICATE-----\n'),
    ],
    { encoding: 'utf8' },
  );
  t.match(text, /Nguyễn Văn An/);
});

void t.test('private keys are encrypted at rest and decrypt only with the key-encryption key', async (t) => {
  const kek = 'kek-from-the-key-service-0123456789';
  const enc = encryptPrivateKey(h.person.privateKey, kek);
  writeFileSync(join(dir, 'k.der'), enc);
  const parsed = execFileSync('openssl', ['asn1parse', '-inform', 'DER', '-in', join(dir, 'k.der')], {
    encoding: 'utf8',
  });
  t.match(parsed, /PBES2/);
  t.match(parsed, /aes-256-cbc/);
  t.ok(keyMatchesSpki(decryptPrivateKey(enc, kek), h.person.certificate.spki));
  t.equal(
    codeOf(() => decryptPrivateKey(enc, 'wrong-key-wrong-key-wrong')),
    'KEY_DECRYPTION_FAILED',
  );
});

void t.test('PKCS#12 files made by openssl import as KeyObject + chain', async (t) => {
  for (const [name, e] of Object.entries({ rsa: h.person, ec: h.seal })) {
    const key = write(`${name}.key`, toPem('PRIVATE KEY', exportPrivateKey(e.privateKey)));
    const cert = write(`${name}.crt`, toPem('CERTIFICATE', e.certificate.der));
    const p12 = join(dir, `${name}.p12`);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-inkey',
      key,
      '-in',
      cert,
      '-certfile',
      interPem,
      '-passout',
      'pass:secret',
      '-out',
      p12,
    ]);
    const imported = importPkcs12(new Uint8Array(readFileSync(p12)), 'secret');
    t.equal(imported.certificate.fingerprint, e.certificate.fingerprint, `${name}: certificate`);
    t.ok(keyMatchesSpki(imported.privateKey, e.certificate.spki), `${name}: key`);
    t.same(
      imported.chain.map((c) => c.fingerprint),
      [h.intermediate.certificate.fingerprint],
      `${name}: chain`,
    );
    t.equal(
      codeOf(() => importPkcs12(new Uint8Array(readFileSync(p12)), 'wrong')),
      'PKCS12_INVALID',
    );
  }
});

void t.test('a certificate signed elsewhere: tbsCertificate out, signature in (two-step), RSA-PSS', async (t) => {
  const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
  const template = personProfile({
    name: 'Lê Văn Cường',
    title: 'Phó Chánh Văn phòng',
    office: 'Văn phòng Tỉnh ủy',
    organisation: 'Tỉnh ủy Hà Nam',
    publicKey: keys.publicKey,
    notBefore: new Date('2026-02-01T00:00:00Z'),
    validityDays: 365,
  });
  const issuer = { name: h.root.certificate.subject, spki: h.root.certificate.spki };
  const tbs = buildTbsCertificate(template, issuer, 'RSA-PSS-SHA256');
  // The "HSM" holds the root key and signs the bytes it is handed.
  const der = assembleCertificate(tbs, 'RSA-PSS-SHA256', signWithKey(h.root.privateKey, 'RSA-PSS-SHA256', tbs));
  const cert = readCertificate(der);
  const r = validatePath({ trustAnchors: [h.root.certificate], target: cert, crls: [h.rootCrl], time: NOW });
  t.ok(r.valid, `${r.reason ?? 'valid'} ${r.message ?? ''}`);
  const leaf = write('pss.pem', toPem('CERTIFICATE', der));
  const out = execFileSync('openssl', ['verify', '-attime', attime, '-CAfile', rootPem, leaf], { encoding: 'utf8' });
  t.match(out, /OK/);
});

void t.test(
  'authorityInfoAccess: the OCSP and caIssuers URIs a profile puts in are read back; a malformed one is refused',
  async (t) => {
    const keys = await generateKeyPair({ type: 'ec', namedCurve: 'P-256' });
    const ocsp = 'http://ky-so.example.vn/v1/ocsp';
    const issuer = 'http://ky-so.example.vn/v1/ca/certificates/7b0c6f8e';
    const cert = await issueCertificate(
      personProfile({
        name: 'Trần Thị Bình',
        title: 'Phó Chánh Văn phòng',
        organisation: 'Tỉnh ủy Cà Mau',
        office: 'Văn phòng Tỉnh ủy',
        publicKey: keys.publicKey,
        notBefore: NOW,
        ocspUris: [ocsp],
        caIssuersUris: [issuer],
      }),
      { certificate: h.intermediate.certificate, signer: keySigner(h.intermediate.privateKey) },
    );
    const read = readCertificate(cert.der);
    t.same(accessUris(read.authorityInfoAccess, ACCESS_METHOD.ocsp), [ocsp]);
    t.same(accessUris(read.authorityInfoAccess, ACCESS_METHOD.caIssuers), [issuer]);
    t.same(accessUris(h.person.certificate.authorityInfoAccess, ACCESS_METHOD.ocsp), [], 'none without the extension');
    t.throws(() => readInfoAccess(Uint8Array.of(0x30, 0x00)), { code: 'MALFORMED' }, 'an empty sequence');
    t.throws(
      () => readInfoAccess(Uint8Array.of(0x30, 0x07, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x06, 0x01)),
      { code: 'MALFORMED' },
      'no accessLocation',
    );
    t.throws(() => readInfoAccess(Uint8Array.of(0x30, 0x03, 0x30, 0x01)), { code: 'MALFORMED' }, 'truncated');
  },
);
