/**
 * PIN protection of server-held personal keys. A signer's private key is stored as PKCS#8
 * EncryptedPrivateKeyInfo (PBES2, PBKDF2-HMAC-SHA256 at 600,000 iterations, AES-256-CBC)
 * whose password is derived from the PIN with scrypt (RFC 7914), salted with an HMAC of the
 * derived KEK and the key's id: without the PIN the stored key cannot be decrypted, even by
 * someone holding the database and the KEK, and the KEK in the salt keeps a stolen database
 * alone useless for guessing PINs. Keys the previous release stored (the salt keyed by the
 * passphrase itself, 2,048 iterations) are still read (ca/key-encryption.ts). Consecutive
 * wrong PINs lock the key, as a token does.
 */
import { createHmac, scrypt } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { decryptPrivateKey, encryptPrivateKeyPbes2, keyMatchesSpki } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import { isLegacyKeyAtRest, keyAtRestIterations } from '../ca/key-encryption.ts';
import type { KeyEncryptionKey } from '../ca/key-encryption.ts';
import { signingErrors } from '../errors.ts';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

/** The rules of PINs. */
export const pinRules = {
  /** A new PIN (a new key, an import, a PIN change): at least this many characters after NFC, one of them not a digit. */
  minLength: 8,
  maxLength: 64,
  /** The shortest PIN a key enrolled before the policy may still have (six digits were allowed). */
  minLengthBefore: 6,
  /** Consecutive wrong PINs after which the key is locked until a CA administrator of the office unlocks it. */
  lockAfter: 5,
  /**
   * Wrong PINs a key takes in any `failureWindowMs`, whatever unlocks happen between: past
   * them every PIN attempt is refused untried until the oldest is that old, so that unlocking
   * again and again (a CA administrator colluding, say) gives no more than this many guesses a day.
   */
  failuresPerWindow: 10,
  failureWindowMs: 24 * 3_600_000,
} as const;

/**
 * Whether a PIN's protection is known to meet the policy: `met` for PINs set since it applies
 * (checked then), `unknown` for keys enrolled before (the PIN cannot be read back to check:
 * it may be six digits; the owner should change it). Seals have no PIN.
 */
export type PinPolicyState = 'met' | 'unknown';

/**
 * What is wrong with `pin` as a new PIN, or undefined when it meets the policy: 8–64
 * characters counted after NFC normalisation (the form the key is derived from), at least one
 * of them not a decimal digit, so that a PIN is more than a date or a phone number's tail.
 */
export function pinPolicyProblem(pin: string): string | undefined {
  const length = [...pin.normalize('NFC')].length;
  if (length < pinRules.minLength || length > pinRules.maxLength)
    return `A new PIN needs ${pinRules.minLength} to ${pinRules.maxLength} characters (this one has ${length}).`;
  if (/^[0-9]*$/.test(pin)) return 'A new PIN needs at least one character that is not a digit.';
  return undefined;
}

/** 400 PIN_POLICY_UNMET unless `pin` may protect a new key (pinPolicyProblem). */
export function assertNewPin(pin: string, field = 'pin'): void {
  const problem = pinPolicyProblem(pin);
  if (problem !== undefined) throw new AppError(signingErrors.PIN_POLICY_UNMET, { detail: problem, extra: { field } });
}

/** scrypt cost: N = 2^15, r = 8 (32 MiB, tens of milliseconds per use). */
const cost = { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };

async function pinPassphrase(kek: string | Buffer, keyId: string, pin: string): Promise<Buffer> {
  const salt = createHmac('sha256', kek).update(`lienthong.signing.pin:${keyId}`).digest();
  return scryptAsync(pin.normalize('NFC'), salt, 32, cost);
}

/** Encrypts a personal key under its PIN (and the KEK, through the salt). */
export async function encryptWithPin(
  privateKey: KeyObject,
  kek: KeyEncryptionKey,
  keyId: string,
  pin: string,
): Promise<Uint8Array> {
  return encryptPrivateKeyPbes2(privateKey, await pinPassphrase(kek.key, keyId, pin), {
    iterations: keyAtRestIterations,
  });
}

/**
 * Decrypts a personal key with `pin`; undefined when the PIN is wrong. A wrong passphrase
 * sometimes decrypts to well-padded garbage, so the key is also matched to its certificate.
 */
export async function decryptWithPin(
  encrypted: Uint8Array,
  kek: KeyEncryptionKey,
  keyId: string,
  pin: string,
  spki: Uint8Array,
): Promise<KeyObject | undefined> {
  try {
    const salted = isLegacyKeyAtRest(encrypted) ? kek.legacyPassphrase : kek.key;
    const key = decryptPrivateKey(encrypted, await pinPassphrase(salted, keyId, pin));
    return keyMatchesSpki(key, spki) ? key : undefined;
  } catch {
    return undefined;
  }
}
