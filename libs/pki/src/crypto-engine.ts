import { createHash, createPublicKey, verify as nodeVerify, constants, type KeyObject } from 'node:crypto';
import { PkiError } from './errors.ts';
import type { HashName, SignatureScheme } from './x509/algorithm.ts';

/**
 * The cryptographic operations the readers and validators need. The default
 * uses node:crypto (OpenSSL); pass another to route verification elsewhere.
 */
export interface CryptoEngine {
  /** Verifies `signature` over `data` with the SubjectPublicKeyInfo `spki` (DER). Throws PkiError UNSUPPORTED_ALGORITHM when the key type is not supported. */
  verify(scheme: SignatureScheme, spki: Uint8Array, data: Uint8Array, signature: Uint8Array): boolean;
  /** Digest of `data`. */
  digest(hash: HashName, data: Uint8Array): Uint8Array;
}

const keyCache = new Map<string, KeyObject>();

/** Imports a SubjectPublicKeyInfo into a node KeyObject (cached by its DER). */
export function importPublicKey(spki: Uint8Array): KeyObject {
  const id = Buffer.from(spki).toString('base64');
  let key = keyCache.get(id);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
    } catch (e) {
      throw new PkiError('UNSUPPORTED_ALGORITHM', 'Public key could not be imported.', { cause: e });
    }
    if (keyCache.size > 4096) keyCache.clear();
    keyCache.set(id, key);
  }
  return key;
}

/** The node:crypto engine (default). */
export const nodeCryptoEngine: CryptoEngine = {
  verify(scheme, spki, data, signature) {
    const key = importPublicKey(spki);
    const type = key.asymmetricKeyType;
    try {
      switch (scheme.key) {
        case 'rsa':
          if (type !== 'rsa') return false;
          return nodeVerify(scheme.hash, data, { key, padding: constants.RSA_PKCS1_PADDING }, signature);
        case 'rsa-pss':
          if (type !== 'rsa' && type !== 'rsa-pss') return false;
          return nodeVerify(
            scheme.hash,
            data,
            { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: scheme.saltLength },
            signature,
          );
        case 'ecdsa':
          if (type !== 'ec') return false;
          return nodeVerify(scheme.hash, data, { key, dsaEncoding: 'der' }, signature);
        case 'dsa':
          // Legacy (RFC 3370 §3.1): verification only, for old CMS such as the RFC 4134 examples.
          if (type !== 'dsa') return false;
          return nodeVerify(scheme.hash, data, { key, dsaEncoding: 'der' }, signature);
        case 'ed25519':
          if (type !== 'ed25519') return false;
          return nodeVerify(null, data, key, signature);
      }
    } catch {
      return false;
    }
  },
  digest(hash, data) {
    return createHash(hash).update(data).digest();
  },
};
