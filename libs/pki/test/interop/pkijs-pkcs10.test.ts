// pkijs as a second parser of certification requests (RFC 2986): the requests openssl and node-forge
// write read in pkijs with the subject, public key and attributes our reader reports, and pkijs
// verifies the same proofs of possession our reader accepted.
import { generateKeyPairSync } from 'node:crypto';
import * as pkijs from 'pkijs';
import t from 'tap';
import { readCertificationRequest, type Name } from '../../src/index.ts';
import { forgeRequest, opensslRequest } from '../helpers/certification-requests.ts';
import { scratch } from '../helpers/openssl.ts';

const s = scratch('pki-pkcs10-pkijs-');
t.teardown(s.cleanup);

const rsa = generateKeyPairSync('rsa', { modulusLength: 3072 }).privateKey;
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const hex = (b: Uint8Array | ArrayBuffer): string =>
  Buffer.from(b instanceof ArrayBuffer ? new Uint8Array(b) : b).toString('hex');
const bytes = (b: Uint8Array): ArrayBuffer => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
const pkName = (n: pkijs.RelativeDistinguishedNames): unknown[] =>
  n.typesAndValues.map((a) => [a.type, a.value.idBlock.tagNumber, a.value.valueBlock.value]);
const ourName = (n: Name): unknown[] => n.rdns.flat().map((a) => [a.type, a.valueTag, a.value]);

const requests: [string, Uint8Array][] = [
  ['openssl RSA-3072 SHA-256', opensslRequest(s, rsa, 'rsa', ['-sha256'])],
  ['openssl RSA-3072 SHA-384', opensslRequest(s, rsa, 'rsa384', ['-sha384'])],
  ['openssl P-256 SHA-256', opensslRequest(s, p256, 'p256', ['-sha256'])],
  ['openssl P-384 SHA-384', opensslRequest(s, p384, 'p384', ['-sha384'])],
  ['node-forge RSA-3072 SHA-256', forgeRequest(rsa)],
];

for (const [name, der] of requests) {
  void t.test(name, async (t) => {
    const ours = readCertificationRequest(der);
    const theirs = pkijs.CertificationRequest.fromBER(bytes(der));
    t.equal(theirs.version, ours.version, 'version');
    t.same(pkName(theirs.subject), ourName(ours.subject), 'subject, attribute by attribute');
    t.equal(hex(theirs.subjectPublicKeyInfo.toSchema().toBER()), hex(ours.spki), 'SubjectPublicKeyInfo');
    t.equal(theirs.signatureAlgorithm.algorithmId, ours.signatureAlgorithm.oid, 'signature algorithm');
    t.same(
      (theirs.attributes ?? []).map((a) => a.type),
      ours.attributes.map((a) => a.oid),
      'attribute types',
    );
    t.equal(hex(theirs.signatureValue.valueBlock.valueHexView), hex(ours.signatureValue), 'signature value');
    t.equal(await theirs.verify(), true, 'pkijs verifies the proof of possession too');
  });
}
