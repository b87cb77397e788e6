// PKCS #10 certification requests (RFC 2986): requests written by `openssl req -new` and by node-forge
// are read with their subject, key and attributes, and their proof of possession verified; every
// hostile request is a PkiError with the code that names what is wrong, never another exception.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import t from 'tap';
import type { Test } from 'tap';
import { bits, ctx, nul, oid, seq, setOf, utf8 } from '../src/der/writer.ts';
import {
  MAX_CERTIFICATION_REQUEST_BYTES,
  OID,
  formatName,
  isPkiError,
  readCertificationRequest,
  subjectPublicKeyInfo,
  type PkiErrorCode,
} from '../src/index.ts';
import { forgeRequest, handMadeRequest, opensslRequest } from './helpers/certification-requests.ts';
import { scratch } from './helpers/openssl.ts';

const s = scratch('pki-pkcs10-');
t.teardown(s.cleanup);

const rsa2048 = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const p256 = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const spkiOf = (k: KeyObject) => Buffer.from(subjectPublicKeyInfo(k));
const SUBJECT = 'C=VN, O=Tỉnh ủy Cà Mau, CN=Nguyễn Thị Hồng Nhung';

function refused(t: Test, input: Uint8Array, code: PkiErrorCode, what: string, detail?: RegExp): void {
  try {
    readCertificationRequest(input);
    t.fail(`${what}: accepted`);
  } catch (e) {
    t.ok(isPkiError(e, code), `${what}: ${code} (${(e as Error).message})`);
    if (detail !== undefined) t.match((e as Error).message, detail, `${what}: says why`);
  }
}

void t.test('requests by openssl req -new: RSA (PKCS #1 v1.5 and PSS) and ECDSA P-256/P-384', async (t) => {
  const cases: [string, KeyObject, string[], string, string][] = [
    ['rsa-sha256', rsa2048, ['-sha256'], OID.sha256WithRSAEncryption, 'rsa'],
    ['rsa-sha512', rsa2048, ['-sha512'], OID.sha512WithRSAEncryption, 'rsa'],
    ['rsa-pss', rsa2048, ['-sha256', '-sigopt', 'rsa_padding_mode:pss'], OID.rsassaPss, 'rsa-pss'],
    ['p256', p256, ['-sha256'], OID.ecdsaWithSHA256, 'ecdsa'],
    ['p384', p384, ['-sha384'], OID.ecdsaWithSHA384, 'ecdsa'],
  ];
  for (const [name, key, extra, algorithm, scheme] of cases) {
    const request = readCertificationRequest(opensslRequest(s, key, name, extra));
    t.equal(request.version, 0, `${name}: version`);
    t.equal(formatName(request.subject), SUBJECT, `${name}: the subject openssl wrote`);
    t.ok(Buffer.from(request.spki).equals(spkiOf(key)), `${name}: the key`);
    t.equal(request.signatureAlgorithm.oid, algorithm, `${name}: signature algorithm`);
    t.equal(request.signatureScheme.key, scheme, `${name}: scheme`);
  }
  t.same(readCertificationRequest(opensslRequest(s, rsa2048, 'rsa-key', [])).key, { type: 'rsa', bits: 2048 });
  t.same(readCertificationRequest(opensslRequest(s, p384, 'ec-key', [])).key, { type: 'ec', curve: 'P-384' });
  // PEM is the caller's to unwrap: the reader takes DER only.
  const pem = Buffer.from(`-----BEGIN CERTIFICATE REQUEST-----\n`);
  refused(t, pem, 'MALFORMED', 'PEM text');
});

void t.test('a request by node-forge, an independent implementation, with a challengePassword', async (t) => {
  const request = readCertificationRequest(forgeRequest(rsa2048));
  t.equal(formatName(request.subject), SUBJECT);
  t.ok(Buffer.from(request.spki).equals(spkiOf(rsa2048)));
  t.same(
    request.attributes.map((a) => a.oid),
    ['1.2.840.113549.1.9.7'],
    'the attribute is read as information',
  );
});

void t.test('hostile requests are typed errors, never a crash', async (t) => {
  const good = opensslRequest(s, p256, 'hostile', ['-sha256']);
  t.ok(readCertificationRequest(good), 'the request the variants start from reads');
  refused(t, good.subarray(0, good.length - 10), 'MALFORMED', 'truncated');
  refused(t, Buffer.concat([good, Uint8Array.of(0)]), 'MALFORMED', 'a trailing byte', /Trailing/);
  refused(t, new Uint8Array(0), 'MALFORMED', 'empty');
  refused(t, Buffer.from('not a request at all'), 'MALFORMED', 'text');
  refused(t, handMadeRequest(p256, { version: 1 }), 'MALFORMED', 'version 1', /version 1/);
  t.ok(readCertificationRequest(handMadeRequest(p256)), 'the hand-made request with version 0 reads');

  const flipped = Uint8Array.from(good);
  flipped[flipped.length - 5]! ^= 0x01;
  refused(t, flipped, 'SIGNER_MISMATCH', 'a signature altered', /proof of possession/);
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  refused(t, handMadeRequest(p256, { signingKey: other }), 'SIGNER_MISMATCH', "another key's signature");

  const rsa1024 = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
  refused(t, handMadeRequest(rsa1024), 'UNSUPPORTED_ALGORITHM', 'RSA 1024', /1024 bits/);
  refused(t, opensslRequest(s, rsa1024, 'rsa1024', ['-sha256']), 'UNSUPPORTED_ALGORITHM', 'RSA 1024 by openssl');
  const secp256k1 = generateKeyPairSync('ec', { namedCurve: 'secp256k1' }).privateKey;
  refused(t, handMadeRequest(secp256k1), 'UNSUPPORTED_ALGORITHM', 'the curve secp256k1', /1\.3\.132\.0\.10/);
  const ed = generateKeyPairSync('ed25519').privateKey;
  refused(
    t,
    handMadeRequest(ed, { signatureAlgorithm: seq(oid(OID.ed25519)) }),
    'UNSUPPORTED_ALGORITHM',
    'an Ed25519 key',
  );
  refused(
    t,
    handMadeRequest(rsa2048, { signatureAlgorithm: seq(oid(OID.sha1WithRSAEncryption), nul()), hash: 'sha1' }),
    'UNSUPPORTED_ALGORITHM',
    'SHA-1',
  );
  refused(
    t,
    handMadeRequest(rsa2048, { signatureAlgorithm: seq(oid('1.2.3.4.5'), nul()) }),
    'UNSUPPORTED_ALGORITHM',
    'an unknown signature algorithm',
  );
  refused(
    t,
    handMadeRequest(p256, { signatureAlgorithm: seq(oid(OID.sha256WithRSAEncryption), nul()) }),
    'UNSUPPORTED_ALGORITHM',
    'an RSA algorithm for an EC key',
  );
  refused(
    t,
    handMadeRequest(p256, { spki: seq(seq(oid('1.2.3.4')), bits(Uint8Array.of(1, 2, 3))) }),
    'UNSUPPORTED_ALGORITHM',
    'an unknown key algorithm',
  );
  refused(
    t,
    handMadeRequest(p256, { spki: seq(seq(oid(OID.ecPublicKey), oid(OID.prime256v1)), bits(Uint8Array.of(4, 1, 2))) }),
    'MALFORMED',
    'an EC point that is not one',
  );
  refused(
    t,
    handMadeRequest(p256, { attributes: ctx(0, seq(oid('1.2.840.113549.1.9.7'), setOf())) }),
    'MALFORMED',
    'an attribute without a value',
  );
  t.ok(
    readCertificationRequest(handMadeRequest(p256, { attributes: ctx(0, seq(oid('1.2.3.4'), setOf(utf8('x')))) })),
    'an unknown attribute is information, not a refusal',
  );
  const big = Buffer.alloc(MAX_CERTIFICATION_REQUEST_BYTES + 1, 0x30);
  refused(t, big, 'INVALID_ARGUMENT', 'over 16 KiB', /16384/);
  // The outer length in four octets where fewer fit: BER, not DER.
  const header = good[1]! < 0x80 ? 2 : 2 + (good[1]! & 0x7f);
  const length = good.length - header;
  const ber = Buffer.concat([Uint8Array.of(0x30, 0x84, 0, 0, length >> 8, length & 0xff), good.subarray(header)]);
  refused(t, ber, 'MALFORMED', 'BER length', /not DER/);
});

void t.test('every truncation and a thousand altered bytes: only PkiErrors', async (t) => {
  const good = forgeRequest(rsa2048);
  let others = 0;
  const judge = (input: Uint8Array) => {
    try {
      readCertificationRequest(input);
    } catch (e) {
      if (!isPkiError(e)) others++;
    }
  };
  for (let n = 0; n < good.length; n++) judge(good.subarray(0, n));
  let seed = 20261207;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  for (let i = 0; i < 1000; i++) {
    const mutated = Uint8Array.from(good);
    mutated[next() % mutated.length] = next() & 0xff;
    judge(mutated);
  }
  t.equal(others, 0, 'no other exception');
});

void t.test('a private key is no request', async (t) => {
  const pkcs8 = new Uint8Array(p256.export({ type: 'pkcs8', format: 'der' }));
  refused(t, pkcs8, 'MALFORMED', 'PKCS#8');
});
