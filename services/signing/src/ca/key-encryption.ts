/**
 * The key-encryption key (KEK) and the private keys at rest. `LIENTHONG_SIGNING_KEK` is a
 * passphrase: at start it is turned once into a 256-bit key with scrypt (RFC 7914; N = 2^17,
 * r = 8, p = 1, OWASP's figure) and a random salt that the first start stores in the signing
 * schema (table `kek`, with the parameters, so a later release can raise them, and a check
 * value that tells a wrong passphrase at start rather than at the first signature). Every key
 * the service writes is PKCS#8 PBES2 with PBKDF2-HMAC-SHA256 at 600,000 iterations and
 * AES-256-CBC (libs/pki encryptPrivateKeyPbes2), under that derived key — or, for personal
 * keys, under scrypt(PIN) salted with it (keys/pin.ts).
 *
 * Rows written by the previous release (node's export: the passphrase itself as the PBES2
 * password, at OpenSSL's fixed 2,048 iterations, which this release never writes) are known by
 * that count and still read; the KEK-held ones are re-encrypted at start (`upgradeCaKeys`,
 * keys/ does the seals), a personal key at its next use with the right PIN.
 */
import { createHmac, scrypt, timingSafeEqual, randomBytes, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { decryptPrivateKey, encryptPrivateKeyPbes2, pbes2IterationsOf } from '@lienthong/pki';
import { listEncryptedKeys, lockCaSetup, replaceEncryptedKey } from './certificate-repository.ts';
import { findKekDerivation, insertKekDerivation } from './kek-repository.ts';
import type { KekDerivation } from './kek-repository.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** The PBKDF2 iteration count of every key this release writes (OWASP 2023, PBKDF2-HMAC-SHA256). */
export const keyAtRestIterations = 600_000;

/** The count node:crypto's export wrote for every key of the releases before this one. */
const legacyIterations = 2_048;

/** scrypt parameters for a first start (stored with the salt; an existing row's own are used). */
const kekCost = { N: 2 ** 17, r: 8, p: 1 };

const checkLabel = 'lienthong.signing.kek-check';

/** The KEK as the service holds it after start; neither field is enumerable (never logged or serialised). */
export interface KeyEncryptionKey {
  /** The 256-bit key derived from the passphrase: the PBES2 password of KEK-held keys, the HMAC key of PIN salts. */
  readonly key: Buffer;
  /** The passphrase itself, only to read rows the previous release wrote. */
  readonly legacyPassphrase: string;
}

function asKek(key: Buffer, passphrase: string): KeyEncryptionKey {
  const kek = {};
  Object.defineProperty(kek, 'key', { value: key, enumerable: false });
  Object.defineProperty(kek, 'legacyPassphrase', { value: passphrase, enumerable: false });
  return kek as KeyEncryptionKey;
}

const checkValueOf = (key: Buffer): Buffer => createHmac('sha256', key).update(checkLabel).digest();

async function derive(passphrase: string, d: Pick<KekDerivation, 'salt' | 'N' | 'r' | 'p'>): Promise<Buffer> {
  return scryptAsync(passphrase.normalize('NFC'), d.salt, 32, {
    N: d.N,
    r: d.r,
    p: d.p,
    maxmem: 256 * d.N * d.r + 16 * 1024 * 1024,
  });
}

/**
 * Derives the KEK from `passphrase` with the salt of this schema, storing a new salt on the
 * first start (a second instance starting at once takes the first one's). Throws when the
 * passphrase is not the one the schema's keys were stored under (the check value differs).
 */
export async function deriveKek(pool: Pool, passphrase: string): Promise<KeyEncryptionKey> {
  let stored = await findKekDerivation(pool);
  if (stored === undefined) {
    await assertOpensPreviousKeys(pool, passphrase);
    const fresh = { salt: randomBytes(32), ...kekCost };
    const key = await derive(passphrase, fresh);
    await insertKekDerivation(pool, { ...fresh, checkValue: checkValueOf(key) });
    stored = await findKekDerivation(pool);
    if (stored === undefined) throw new Error('signing: the KEK salt could not be stored');
    if (stored.salt.equals(fresh.salt)) return asKek(key, passphrase);
  }
  const key = await derive(passphrase, stored);
  if (!timingSafeEqual(checkValueOf(key), stored.checkValue))
    throw new Error(
      'signing: LIENTHONG_SIGNING_KEK is not the passphrase the keys of this database were stored under (its check value differs); start with the right one',
    );
  return asKek(key, passphrase);
}

/**
 * Before the first derivation is stored: the passphrase must open the keys already in the
 * schema (a database of the previous release), or the salt and check value stored now would
 * hold the wrong passphrase for good. A schema with keys of this release but no derivation
 * cannot be opened at all.
 */
async function assertOpensPreviousKeys(pool: Pool, passphrase: string): Promise<void> {
  const [sample] = await listEncryptedKeys(pool);
  if (sample === undefined) return;
  if (!isLegacyKeyAtRest(sample.encryptedPkcs8))
    throw new Error(
      'signing: the schema holds keys encrypted under a derived KEK but not its salt (table kek is empty)',
    );
  try {
    decryptPrivateKey(sample.encryptedPkcs8, passphrase);
  } catch {
    throw new Error(
      'signing: LIENTHONG_SIGNING_KEK is not the passphrase the keys of this database were stored under (it does not open them); start with the right one',
    );
  }
}

/** Whether `encrypted` was written by a release before this one (node's export, 2,048 iterations). */
export function isLegacyKeyAtRest(encrypted: Uint8Array): boolean {
  return pbes2IterationsOf(encrypted) === legacyIterations;
}

/** Encrypts a key to be held under the KEK (CA keys, seals). */
export function encryptWithKek(privateKey: KeyObject, kek: KeyEncryptionKey): Uint8Array {
  return encryptPrivateKeyPbes2(privateKey, kek.key, { iterations: keyAtRestIterations });
}

/** Decrypts a key held under the KEK, in this release's form or the previous one's. */
export function decryptWithKek(encrypted: Uint8Array, kek: KeyEncryptionKey): KeyObject {
  return decryptPrivateKey(encrypted, isLegacyKeyAtRest(encrypted) ? kek.legacyPassphrase : kek.key);
}

/**
 * Re-encrypts, in this release's form, the CA's keys (table `private_key`) that the previous
 * release wrote; once, under the CA setup lock. The root's key is decrypted here too: the one
 * time a start needs it. Returns how many were re-encrypted.
 */
export async function upgradeCaKeys(pool: Pool, kek: KeyEncryptionKey): Promise<number> {
  return withTransaction(pool, async (client) => {
    await lockCaSetup(client);
    const legacy = (await listEncryptedKeys(client)).filter((k) => isLegacyKeyAtRest(k.encryptedPkcs8));
    for (const k of legacy) await replaceEncryptedKey(client, k.certificateId, reEncrypt(k.encryptedPkcs8, kek));
    return legacy.length;
  });
}

/** A key of the previous release's form, decrypted and encrypted again in this release's. */
export function reEncrypt(encrypted: Uint8Array, kek: KeyEncryptionKey): Uint8Array {
  return encryptWithKek(decryptWithKek(encrypted, kek), kek);
}
