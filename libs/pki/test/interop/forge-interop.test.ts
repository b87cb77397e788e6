// node-forge as an interop producer: certificates and PKCS#12 files written by node-forge, as other
// JavaScript tools write them, are read by our readers, imported by importPkcs12, and sign CAdES with
// our signer that our verifier and `openssl cms -verify` accept. node-forge only produces here; it
// never reads or verifies anything. Keys come from node:crypto (node-forge is slow to make RSA keys).
import { createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import forge from 'node-forge';
import t from 'tap';
import {
  OID,
  importPkcs12,
  isPkiError,
  keySigner,
  readCertificate,
  signCades,
  toPem,
  validatePath,
  verifyCms,
  type Certificate,
} from '../../src/index.ts';
import { subjectPublicKeyInfo } from '../../src/keys.ts';
import { keyIdentifier } from '../../src/x509/extension-builder.ts';
import { NOW } from '../helpers/hierarchy.ts';
import { scratch } from '../helpers/openssl.ts';
import { CONTENT } from '../helpers/signed-structures.ts';
import { opensslCmsVerify } from '../../../../test/support/judges.ts';

const s = scratch('pki-forge-');
t.teardown(s.cleanup);
const NOT_BEFORE = new Date('2026-01-01T00:00:00Z');
const NOT_AFTER = new Date('2028-01-01T00:00:00Z');
const VIETNAMESE = 'Mật khẩu 2026';

const rsa = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const forgeKey = (k: KeyObject): forge.pki.rsa.PrivateKey =>
  forge.pki.privateKeyFromPem(k.export({ type: 'pkcs1', format: 'pem' }).toString());
const forgePublic = (k: KeyObject): forge.pki.PublicKey =>
  forge.pki.publicKeyFromPem(createPublicKey(k).export({ type: 'spki', format: 'pem' }).toString());
const der = (c: forge.pki.Certificate): Uint8Array =>
  new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(c)).getBytes(), 'binary'));

// The keyIdentifier of RFC 5280 §4.2.1.2 (1), as node-forge's binary string.
const forgeKeyIdentifier = (privateKey: KeyObject): string =>
  Buffer.from(keyIdentifier(subjectPublicKeyInfo(createPublicKey(privateKey)))).toString('binary');

/** A certificate as node-forge issues it: UTF-8 names, SHA-256 with RSA, the usual extensions. */
function forgeCertificate(
  subjectKey: KeyObject,
  issuerKey: KeyObject,
  serial: string,
  subject: forge.pki.CertificateField[],
  issuer: forge.pki.CertificateField[],
  ca: boolean,
): forge.pki.Certificate {
  const c = forge.pki.createCertificate();
  c.publicKey = forgePublic(subjectKey);
  c.serialNumber = serial;
  c.validity.notBefore = NOT_BEFORE;
  c.validity.notAfter = NOT_AFTER;
  c.setSubject(subject);
  c.setIssuer(issuer);
  c.setExtensions([
    { name: 'basicConstraints', cA: ca, critical: true },
    ca
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    ...(ca
      ? []
      : [
          // RFC 5280 §4.2.1.1: every certificate but a self-signed one MUST carry the issuer's key identifier;
          // validatePath's strict policy refuses it otherwise, as openssl verify -x509_strict does.
          { name: 'authorityKeyIdentifier', keyIdentifier: forgeKeyIdentifier(issuerKey) },
          { name: 'extKeyUsage', emailProtection: true },
          { name: 'subjectAltName', altNames: [{ type: 1, value: 'an.nv@example.vn' }] },
        ]),
  ]);
  c.sign(forgeKey(issuerKey), forge.md.sha256.create());
  return c;
}

// node-forge takes the universal type of the value in `valueTagClass`; @types/node-forge calls it a tag class.
const utf8 = (shortName: string, value: string): forge.pki.CertificateField => ({
  shortName,
  value,
  valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class,
});
const rootKey = rsa();
const personKey = rsa();
const rootName = [
  { shortName: 'C', value: 'VN' },
  utf8('O', 'Văn phòng Trung ương Đảng'),
  utf8('CN', 'Forge Test Root CA'),
];
const personName = [{ shortName: 'C', value: 'VN' }, utf8('O', 'Tỉnh ủy Hà Nam'), utf8('CN', 'Nguyễn Văn An')];
const forgeRoot = forgeCertificate(rootKey, rootKey, '01', rootName, rootName, true);
const forgePerson = forgeCertificate(personKey, rootKey, '4f2a9c01', personName, rootName, false);
const root = readCertificate(der(forgeRoot));
const person = readCertificate(der(forgePerson));

void t.test('certificates node-forge issues read with our reader and validate as a path', async (t) => {
  t.same(
    [person.subject.rdns.flat().map((a) => a.value), person.issuer.key, person.serialHex],
    [['VN', 'Tỉnh ủy Hà Nam', 'Nguyễn Văn An'], root.subject.key, '4f2a9c01'],
    'UTF-8 names, issuer, serial',
  );
  t.same([person.notBefore, person.notAfter], [NOT_BEFORE, NOT_AFTER]);
  t.same(
    [
      person.signatureAlgorithm.oid,
      person.basicConstraints,
      person.keyUsage,
      person.extKeyUsage,
      person.subjectAltName,
    ],
    [
      '1.2.840.113549.1.1.11',
      { ca: false },
      0b11,
      ['1.3.6.1.5.5.7.3.4'],
      [{ kind: 'rfc822', value: 'an.nv@example.vn' }],
    ],
  );
  t.same(
    [root.basicConstraints, root.keyUsage, root.subjectKeyIdentifier?.length],
    [{ ca: true }, (1 << 5) | (1 << 6), 20],
    'the root: cA, keyCertSign + cRLSign, a SHA-1 key identifier',
  );
  t.same(person.extensions.find((e) => e.oid === OID.keyUsage)?.critical, true);
  const r = validatePath({ target: person, trustAnchors: [root], time: NOW, revocation: 'none' });
  t.ok(r.valid, `our path validation accepts the forge chain: ${r.message ?? ''}`);
  const early = validatePath({
    target: person,
    trustAnchors: [root],
    time: new Date('2025-12-31T00:00:00Z'),
    revocation: 'none',
  });
  t.same([early.valid, early.reason], [false, 'NOT_YET_VALID'], 'and refuses it before notBefore');
});

/** A PKCS#12 file as node-forge writes it (toPkcs12Asn1 with a local key id and a friendly name). */
function forgePkcs12(password: string, algorithm: '3des' | 'aes256'): Uint8Array {
  const asn1 = forge.pkcs12.toPkcs12Asn1(forgeKey(personKey), [forgePerson, forgeRoot], password, {
    algorithm,
    generateLocalKeyId: true,
    friendlyName: 'Nguyễn Văn An',
  });
  return new Uint8Array(Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary'));
}

const fingerprints = (cs: readonly Certificate[]): string[] => cs.map((c) => c.fingerprint);

void t.test(
  'PKCS#12 files node-forge writes (3DES and AES-256) import, sign CAdES, verify with us and with openssl',
  async (t) => {
    const rootPem = s.file('root.pem', toPem('CERTIFICATE', root.der));
    for (const algorithm of ['3des', 'aes256'] as const) {
      for (const password of ['secret', '']) {
        const label = `${algorithm}, password ${JSON.stringify(password)}`;
        const imported = importPkcs12(forgePkcs12(password, algorithm), password);
        t.same(
          [imported.certificate.fingerprint, fingerprints(imported.chain)],
          [person.fingerprint, [root.fingerprint]],
          `${label}: the person's certificate and the root as chain`,
        );
        t.same(
          imported.privateKey.export({ type: 'pkcs8', format: 'der' }),
          personKey.export({ type: 'pkcs8', format: 'der' }),
          `${label}: the key node:crypto made`,
        );
        const cms = await signCades(CONTENT, keySigner(imported.privateKey), {
          certificate: imported.certificate,
          chain: imported.chain,
          signingTime: true,
          clock: { now: () => NOW },
        });
        const report = verifyCms(cms, {
          detachedContent: CONTENT,
          trustAnchors: [root],
          time: NOW,
          revocation: 'none',
        });
        t.same(
          [report.indication, report.integrity, report.trusted],
          ['TOTAL_PASSED', true, true],
          `${label}: our verifier: ${report.message}`,
        );
        const o = await opensslCmsVerify(cms, CONTENT, { trust: rootPem, attime: NOW });
        t.ok(o.ok, `${label}: openssl cms -verify: ${o.output}`);
      }
    }
  },
);

void t.test(
  'a forge file with a non-ASCII password: the 3DES one imports, the AES-256 one is refused with the reason',
  async (t) => {
    const des = importPkcs12(forgePkcs12(VIETNAMESE, '3des'), VIETNAMESE);
    t.equal(
      des.certificate.fingerprint,
      person.fingerprint,
      '3DES: PKCS#12 KDF over the BMPString password, as RFC 7292 Appendix B asks',
    );
    // node-forge runs PBKDF2 over the password's UTF-16 code units truncated to bytes, not over its UTF-8 (RFC 8018
    // §4.1 leaves the encoding open; OpenSSL and we use UTF-8), while its MAC uses the BMPString. The MAC holds and
    // the key does not decrypt: such a file is refused, by openssl too.
    let message = 'imported';
    try {
      importPkcs12(forgePkcs12(VIETNAMESE, 'aes256'), VIETNAMESE);
    } catch (e) {
      message = isPkiError(e, 'PKCS12_INVALID') ? e.message : `unexpected ${String(e)}`;
    }
    t.match(message, /private key could not be decrypted/, 'AES-256: PKCS12_INVALID, the key does not decrypt');
    const o = s.openssl([
      'pkcs12',
      '-in',
      s.file('vn.p12', forgePkcs12(VIETNAMESE, 'aes256')),
      '-passin',
      `pass:${VIETNAMESE}`,
      '-nodes',
      '-nocerts',
      '-out',
      `${s.dir}/vn.key`,
    ]);
    t.notOk(o.ok, `openssl cannot decrypt the key either: ${o.out.split('\n')[0]}`);
  },
);
