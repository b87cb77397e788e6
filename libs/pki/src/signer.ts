import { constants, sign as nodeSign, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { importPublicKey } from './crypto-engine.ts';
import { int, nul, oid, seq, ctx } from './der/writer.ts';
import { PkiError } from './errors.ts';
import { OID } from './oids.ts';
import type { HashName } from './x509/algorithm.ts';

/**
 * Signature algorithms this library produces: RSASSA-PKCS1-v1_5 and RSASSA-PSS
 * (RFC 8017, identifiers of RFC 4055), ECDSA (RFC 5758), with SHA-2.
 */
export type SigningAlgorithm =
  'RSA-SHA256' | 'RSA-SHA384' | 'RSA-SHA512' | 'RSA-PSS-SHA256' | 'RSA-PSS-SHA384' | 'ECDSA-SHA256' | 'ECDSA-SHA384';

/**
 * Anything that can sign: a node KeyObject, an HSM, a USB token (VGCA/Bkav
 * tokens used in the Party offices). `sign` receives the exact bytes to be
 * signed (it hashes them itself) and returns the signature as it goes into
 * X.509/CMS: for ECDSA the DER Ecdsa-Sig-Value (use {@link ecdsaRawToDer} when
 * a token returns r‖s).
 */
export interface Signer {
  readonly algorithm: SigningAlgorithm;
  sign(data: Uint8Array): Promise<Uint8Array>;
}

/** The digest a signing algorithm uses. */
export function hashOf(algorithm: SigningAlgorithm): HashName {
  return algorithm.endsWith('384') ? 'sha384' : algorithm.endsWith('512') ? 'sha512' : 'sha256';
}

const HASH_ALG_ID: Record<string, Uint8Array> = {
  sha256: seq(oid(OID.sha256)),
  sha384: seq(oid(OID.sha384)),
  sha512: seq(oid(OID.sha512)),
};

const SALT: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** The DER AlgorithmIdentifier of a signing algorithm (RFC 4055 §3.1, RFC 5758 §3.2, RFC 4055 §5). */
export function signatureAlgorithmIdentifier(algorithm: SigningAlgorithm): Uint8Array {
  const hash = hashOf(algorithm);
  switch (algorithm) {
    case 'RSA-SHA256':
      return seq(oid(OID.sha256WithRSAEncryption), nul());
    case 'RSA-SHA384':
      return seq(oid(OID.sha384WithRSAEncryption), nul());
    case 'RSA-SHA512':
      return seq(oid(OID.sha512WithRSAEncryption), nul());
    case 'RSA-PSS-SHA256':
    case 'RSA-PSS-SHA384':
      return seq(
        oid(OID.rsassaPss),
        seq(ctx(0, HASH_ALG_ID[hash]!), ctx(1, seq(oid(OID.mgf1), HASH_ALG_ID[hash]!)), ctx(2, int(SALT[hash]!))),
      );
    case 'ECDSA-SHA256':
      return seq(oid(OID.ecdsaWithSHA256));
    case 'ECDSA-SHA384':
      return seq(oid(OID.ecdsaWithSHA384));
  }
}

/** Picks the default algorithm for a key: RSA → RSA-SHA256, P-256 → ECDSA-SHA256, P-384 → ECDSA-SHA384. */
export function defaultAlgorithmFor(key: KeyObject): SigningAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RSA-SHA256';
  if (key.asymmetricKeyType === 'rsa-pss') return 'RSA-PSS-SHA256';
  if (key.asymmetricKeyType === 'ec')
    return key.asymmetricKeyDetails?.namedCurve === 'secp384r1' ? 'ECDSA-SHA384' : 'ECDSA-SHA256';
  throw new PkiError('UNSUPPORTED_ALGORITHM', `Key type ${key.asymmetricKeyType ?? 'unknown'}.`);
}

/** Signs synchronously with node:crypto (OpenSSL). */
export function signWithKey(key: KeyObject, algorithm: SigningAlgorithm, data: Uint8Array): Uint8Array {
  const hash = hashOf(algorithm);
  if (algorithm.startsWith('RSA-PSS'))
    return nodeSign(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[hash]! });
  if (algorithm.startsWith('ECDSA')) return nodeSign(hash, data, { key, dsaEncoding: 'der' });
  return nodeSign(hash, data, { key, padding: constants.RSA_PKCS1_PADDING });
}

/**
 * Checks a signature value made with `algorithm` over `data` against the
 * SubjectPublicKeyInfo `spki` (DER): what a server checks before it embeds a value that a
 * token or another party returned. ECDSA values are DER Ecdsa-Sig-Value. Never throws
 * for a bad value or a key of another type: false.
 */
export function verifySignatureValue(
  algorithm: SigningAlgorithm,
  spki: Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): boolean {
  const hash = hashOf(algorithm);
  try {
    const key = importPublicKey(spki);
    if (algorithm.startsWith('RSA-PSS'))
      return nodeVerify(
        hash,
        data,
        { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: SALT[hash]! },
        signature,
      );
    if (algorithm.startsWith('ECDSA'))
      return key.asymmetricKeyType === 'ec' && nodeVerify(hash, data, { key, dsaEncoding: 'der' }, signature);
    return (
      key.asymmetricKeyType === 'rsa' &&
      nodeVerify(hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
    );
  } catch {
    return false;
  }
}

/** A {@link Signer} backed by a private KeyObject held in this process. */
export function keySigner(
  privateKey: KeyObject,
  algorithm: SigningAlgorithm = defaultAlgorithmFor(privateKey),
): Signer {
  return { algorithm, sign: async (data) => signWithKey(privateKey, algorithm, data) };
}

/** Converts an ECDSA signature r‖s (PKCS#11, WebCrypto) to the DER Ecdsa-Sig-Value (RFC 5480 §2.2 / X9.62). */
export function ecdsaRawToDer(raw: Uint8Array): Uint8Array {
  const half = raw.length / 2;
  return seq(int(raw.subarray(0, half)), int(raw.subarray(half)));
}
