/**
 * Keys at rest as the previous release wrote them, to build the rows of a database it made:
 * node:crypto's export (PBES2, PBKDF2-HMAC-SHA256 at OpenSSL's fixed 2,048 iterations,
 * AES-256-CBC) with the KEK passphrase itself as the password, or, for personal keys, with
 * scrypt(PIN) salted with HMAC(passphrase, key id). A copy of that release's code, frozen.
 */
import { createHmac, scryptSync, type KeyObject } from 'node:crypto';
import { encryptPrivateKey } from '@lienthong/pki';

/** A CA or seal key as the previous release stored it under the KEK passphrase. */
export function previousKekEncryption(privateKey: KeyObject, passphrase: string): Uint8Array {
  return encryptPrivateKey(privateKey, passphrase);
}

/** A personal key as the previous release stored it under its PIN. */
export function previousPinEncryption(
  privateKey: KeyObject,
  passphrase: string,
  keyId: string,
  pin: string,
): Uint8Array {
  const salt = createHmac('sha256', passphrase).update(`lienthong.signing.pin:${keyId}`).digest();
  const derived = scryptSync(pin.normalize('NFC'), salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return encryptPrivateKey(privateKey, derived);
}
