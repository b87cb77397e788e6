// PKCS #10 requests built for a key that signs elsewhere (a USB token): what the builder
// writes is read back by readCertificationRequest (subject, key, algorithm, proof of
// possession) and verified by `openssl req -verify`; a signer of another key makes a request
// whose proof of possession fails.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import t from 'tap';
import {
  OID,
  buildCertificationRequest,
  formatName,
  isPkiError,
  keySigner,
  readCertificationRequest,
  subjectPublicKeyInfo,
  type SigningAlgorithm,
} from '../src/index.ts';
import { REQUEST_SUBJECT } from './helpers/certification-requests.ts';
import { scratch } from './helpers/openssl.ts';

const s = scratch('pki-pkcs10-builder-');
t.teardown(s.cleanup);

const cases: [string, KeyObject, SigningAlgorithm, string][] = [
  ['p256', generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey, 'ECDSA-SHA256', OID.ecdsaWithSHA256],
  ['p384', generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey, 'ECDSA-SHA384', OID.ecdsaWithSHA384],
  ['rsa', generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, 'RSA-SHA256', OID.sha256WithRSAEncryption],
];

void t.test('the reader reads what the builder builds, and openssl verifies it', async (t) => {
  for (const [name, key, algorithm, oid] of cases) {
    const spki = subjectPublicKeyInfo(key);
    const der = await buildCertificationRequest({ subject: REQUEST_SUBJECT, spki }, keySigner(key, algorithm));
    const request = readCertificationRequest(der);
    t.equal(request.version, 0, `${name}: version 0`);
    t.equal(formatName(request.subject), 'C=VN, O=Tỉnh ủy Cà Mau, CN=Nguyễn Thị Hồng Nhung', `${name}: subject`);
    t.ok(Buffer.from(request.spki).equals(Buffer.from(spki)), `${name}: the key`);
    t.equal(request.signatureAlgorithm.oid, oid, `${name}: the signer's algorithm`);
    t.same(request.attributes, [], `${name}: no attributes`);
    const file = s.file(`${name}.der`, der);
    const r = s.openssl(['req', '-inform', 'DER', '-in', file, '-verify', '-noout']);
    t.ok(r.ok, `${name}: openssl req -verify: ${r.out}`);
  }
});

void t.test('signed by another key: no proof of possession', async (t) => {
  const [, key] = cases[0]!;
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  const der = await buildCertificationRequest(
    { subject: REQUEST_SUBJECT, spki: subjectPublicKeyInfo(key) },
    keySigner(other, 'ECDSA-SHA256'),
  );
  try {
    readCertificationRequest(der);
    t.fail('accepted');
  } catch (e) {
    t.ok(isPkiError(e, 'SIGNER_MISMATCH'), (e as Error).message);
  }
});
