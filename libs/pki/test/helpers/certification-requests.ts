// Certification requests (RFC 2986) for the tests, from three producers: openssl req -new, node-forge
// (an independent implementation), and a hand assembly with our DER writer for the hostile variants
// (another version, another algorithm, a signature over other bytes) that no tool would write.
import { createPublicKey, sign as nodeSign, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { bits, ctx, int, nul, oid, seq } from '../../src/der/writer.ts';
import { subjectPublicKeyInfo } from '../../src/keys.ts';
import { OID } from '../../src/oids.ts';
import { encodeName, type NameInput } from '../../src/x509/name-builder.ts';
import type { Scratch } from './openssl.ts';

/** The subject the producers write (Vietnamese, so UTF-8 survives each producer). */
export const REQUEST_SUBJECT: NameInput = [
  { type: 'C', value: 'VN' },
  { type: 'O', value: 'Tỉnh ủy Cà Mau' },
  { type: 'CN', value: 'Nguyễn Thị Hồng Nhung' },
];

/** A request made by `openssl req -new` with `key` (PKCS#8 PEM handed to openssl), DER; `subject` in openssl's -subj form. */
export function opensslRequest(
  s: Scratch,
  key: KeyObject,
  name: string,
  extra: readonly string[] = [],
  subject = '/C=VN/O=Tỉnh ủy Cà Mau/CN=Nguyễn Thị Hồng Nhung',
): Uint8Array {
  const keyFile = s.file(`${name}.key.pem`, key.export({ type: 'pkcs8', format: 'pem' }).toString());
  const out = `${name}.csr.der`;
  const r = s.openssl([
    'req',
    '-new',
    '-key',
    keyFile,
    '-utf8',
    '-subj',
    subject,
    '-outform',
    'DER',
    '-out',
    out,
    ...extra,
  ]);
  if (!r.ok) throw new Error(`openssl req: ${r.out}`);
  return new Uint8Array(readFileSync(join(s.dir, out)));
}

/** A request as node-forge writes it (RSA only), signed with SHA-256, with a challengePassword attribute. */
export function forgeRequest(key: KeyObject): Uint8Array {
  const csr = forge.pki.createCertificationRequest();
  csr.publicKey = forge.pki.publicKeyFromPem(createPublicKey(key).export({ type: 'spki', format: 'pem' }).toString());
  csr.setSubject([
    { shortName: 'C', value: 'VN' },
    { shortName: 'O', value: 'Tỉnh ủy Cà Mau', valueTagClass: forge.asn1.Type.UTF8 },
    { shortName: 'CN', value: 'Nguyễn Thị Hồng Nhung', valueTagClass: forge.asn1.Type.UTF8 },
  ] as forge.pki.CertificateField[]);
  csr.setAttributes([{ name: 'challengePassword', value: 'mat-khau-2026' }]);
  const privateKey = forge.pki.privateKeyFromPem(key.export({ type: 'pkcs1', format: 'pem' }).toString());
  csr.sign(privateKey, forge.md.sha256.create());
  return new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificationRequestToAsn1(csr)).getBytes(), 'binary'));
}

/** What a hand-made request may change from a correct one. */
export interface HandMadeOptions {
  readonly version?: number;
  /** The SubjectPublicKeyInfo written (default: `key`'s). */
  readonly spki?: Uint8Array;
  /** The signature AlgorithmIdentifier written (default: sha256WithRSAEncryption or ecdsa-with-SHA256). */
  readonly signatureAlgorithm?: Uint8Array;
  /** The node:crypto hash that signs (default sha256). */
  readonly hash?: string;
  /** The key that signs (default `key`). */
  readonly signingKey?: KeyObject;
  /** The attributes [0] written (default: none, an empty [0]). */
  readonly attributes?: Uint8Array;
}

/** A request assembled with our DER writer and signed with node:crypto. */
export function handMadeRequest(key: KeyObject, options: HandMadeOptions = {}): Uint8Array {
  const signingKey = options.signingKey ?? key;
  const isRsa = signingKey.asymmetricKeyType === 'rsa';
  const info = seq(
    int(options.version ?? 0),
    encodeName(REQUEST_SUBJECT),
    options.spki ?? subjectPublicKeyInfo(key),
    options.attributes ?? ctx(0),
  );
  const algorithm =
    options.signatureAlgorithm ??
    (isRsa ? seq(oid(OID.sha256WithRSAEncryption), nul()) : seq(oid(OID.ecdsaWithSHA256)));
  const hash = signingKey.asymmetricKeyType === 'ed25519' ? null : (options.hash ?? 'sha256');
  const signature = nodeSign(hash, info, signingKey);
  return seq(info, algorithm, bits(signature));
}
