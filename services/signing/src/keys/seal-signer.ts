/**
 * How a stored key signs without a PIN: a key in the PKCS#11 token through the open session,
 * and a server-held seal key decrypted with the KEK at its first use and then held by the
 * process (`CaContext.heldKeys`), like the CA's keys: the KEK alone opens it, so holding it
 * exposes nothing more, and a decryption per signature (600,000 PBKDF2 iterations) would
 * cost more than the signature.
 */
import type { KeyObject } from 'node:crypto';
import type { Signer, SigningAlgorithm } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { decryptWithKek } from '../ca/key-encryption.ts';
import { signingErrors } from '../errors.ts';
import { pkcs11Signer } from '../token/pkcs11-signer.ts';
import type { SigningKeyRecord } from './key-repository.ts';

/**
 * A signer factory for a key kept in the PKCS#11 token; 409 SIGNING_KEY_NOT_USABLE when this
 * instance has no token open (or the key has no label).
 */
export function tokenSignerOf(ca: CaContext, key: SigningKeyRecord): (algorithm: SigningAlgorithm) => Signer {
  const { token } = ca;
  if (token === undefined || key.tokenKeyLabel === null)
    throw new AppError(signingErrors.SIGNING_KEY_NOT_USABLE, {
      detail: 'The key is in a PKCS#11 token this instance has not opened.',
    });
  const keyLabel = key.tokenKeyLabel;
  return (algorithm) => pkcs11Signer(token, { keyLabel, algorithm });
}

/** The private key of a server-held seal: held since its first use, or decrypted with the KEK now and held. */
export function heldSealKey(ca: CaContext, key: SigningKeyRecord): KeyObject {
  if (key.encryptedPkcs8 === null) throw new Error(`signing: key ${key.id} has no stored key`);
  let sealKey = ca.heldKeys.get(key.id);
  if (sealKey === undefined) {
    sealKey = decryptWithKek(key.encryptedPkcs8, ca.kek);
    ca.heldKeys.set(key.id, sealKey);
  }
  return sealKey;
}
