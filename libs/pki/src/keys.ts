import { createPrivateKey, createPublicKey, generateKeyPair as nodeGenerateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { PkiError } from './errors.ts';

const generate = promisify(nodeGenerateKeyPair);

/** Key types the project issues: RSA 2048/3072 (RFC 8017) and ECDSA P-256 (RFC 5480). */
export type KeySpec =
  | { readonly type: 'rsa'; readonly modulusLength: 2048 | 3072 | 4096 }
  | { readonly type: 'ec'; readonly namedCurve: 'P-256' | 'P-384' };

/** A key pair as node KeyObjects. */
export interface KeyPair {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Generates a key pair with node:crypto (OpenSSL). */
export async function generateKeyPair(spec: KeySpec): Promise<KeyPair> {
  if (spec.type === 'rsa') return generate('rsa', { modulusLength: spec.modulusLength, publicExponent: 0x10001 });
  return generate('ec', { namedCurve: spec.namedCurve });
}

/** The DER SubjectPublicKeyInfo (RFC 5280 §4.1.2.7) of a public or private key. */
export function subjectPublicKeyInfo(key: KeyObject): Uint8Array {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return new Uint8Array(pub.export({ type: 'spki', format: 'der' }));
}

/**
 * Encrypts a private key for storage at rest: PKCS#8 EncryptedPrivateKeyInfo
 * (RFC 5958 §3) with PBES2 (RFC 8018 §6.2: PBKDF2-HMAC-SHA256 + AES-256-CBC),
 * as OpenSSL writes it. `keyEncryptionKey` is the passphrase or raw key
 * material from the key-management service; it is never stored with the key.
 */
export function encryptPrivateKey(privateKey: KeyObject, keyEncryptionKey: string | Uint8Array): Uint8Array {
  if (privateKey.type !== 'private') throw new PkiError('INVALID_ARGUMENT', 'Not a private key.');
  if (keyEncryptionKey.length < 16)
    throw new PkiError('INVALID_ARGUMENT', 'The key-encryption key must be at least 16 characters or bytes.');
  return new Uint8Array(
    privateKey.export({
      type: 'pkcs8',
      format: 'der',
      cipher: 'aes-256-cbc',
      passphrase: typeof keyEncryptionKey === 'string' ? keyEncryptionKey : Buffer.from(keyEncryptionKey),
    }),
  );
}

/** Decrypts a key written by {@link encryptPrivateKey}. Throws PkiError KEY_DECRYPTION_FAILED. */
export function decryptPrivateKey(encrypted: Uint8Array, keyEncryptionKey: string | Uint8Array): KeyObject {
  try {
    return createPrivateKey({
      key: Buffer.from(encrypted),
      format: 'der',
      type: 'pkcs8',
      passphrase: typeof keyEncryptionKey === 'string' ? keyEncryptionKey : Buffer.from(keyEncryptionKey),
    });
  } catch (e) {
    throw new PkiError('KEY_DECRYPTION_FAILED', undefined, { cause: e });
  }
}

/** Reads an unencrypted PKCS#8 PrivateKeyInfo (RFC 5958 §2), DER. */
export function readPrivateKey(der: Uint8Array): KeyObject {
  try {
    return createPrivateKey({ key: Buffer.from(der), format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw new PkiError('MALFORMED', 'Not a PKCS#8 private key.', { cause: e });
  }
}

/** Unencrypted PKCS#8 DER of a private key (for handing to an HSM import, never for storage). */
export function exportPrivateKey(privateKey: KeyObject): Uint8Array {
  return new Uint8Array(privateKey.export({ type: 'pkcs8', format: 'der' }));
}

/** True when `privateKey` and the SubjectPublicKeyInfo `spki` form a pair. */
export function keyMatchesSpki(privateKey: KeyObject, spki: Uint8Array): boolean {
  return Buffer.compare(subjectPublicKeyInfo(privateKey), spki) === 0;
}
