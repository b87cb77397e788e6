/**
 * Using a server-held key: unlocking it for one signature (signing/ makes the signature)
 * and changing its PIN. Each use locks the key's row, checks who calls, the key's state and
 * its PIN, and writes the signing log in the same transaction; a wrong PIN is counted (and
 * the key locked at the limit) even though the request fails.
 */
import type { KeyObject } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { PoolClient } from '@lienthong/db';
import { decryptPrivateKey, keySigner, readCertificate, type Signer, type SigningAlgorithm } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { findCertificate } from '../ca/certificate-repository.ts';
import { signingErrors } from '../errors.ts';
import { pkcs11Signer } from '../token/pkcs11-signer.ts';
import { lockSigningKey, recordKeyUse, recordPinFailure, replaceEncryptedKey } from './key-repository.ts';
import type { SigningKeyRecord } from './key-repository.ts';
import { mayUseKey, unfitForSigning } from './key-rules.ts';
import { decryptWithPin, encryptWithPin, pinRules } from './pin.ts';
import { logSigning } from './signing-log-repository.ts';

type Unlocked =
  | { key: SigningKeyRecord; privateKey?: KeyObject; signer: (algorithm: SigningAlgorithm) => Signer }
  | { refused: AppError };

/** Locks the key, checks caller, state and PIN; counts a wrong PIN. Returns the refusal instead of throwing so that the count commits. */
async function unlockKey(
  ca: CaContext,
  client: PoolClient,
  principal: Principal,
  keyId: string,
  pin: string | undefined,
): Promise<Unlocked> {
  const key = await lockSigningKey(client, principal.office, keyId);
  if (key === undefined || !mayUseKey(principal, key)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
  if (key.lockedAt !== null) throw new AppError(signingErrors.SIGNING_KEY_LOCKED);
  await assertUsable(ca, client, key);
  if (key.storage === 'pkcs11') {
    const { token } = ca;
    if (token === undefined || key.tokenKeyLabel === null)
      throw new AppError(signingErrors.SIGNING_KEY_NOT_USABLE, {
        detail: 'The key is in a PKCS#11 token this instance has not opened.',
      });
    const keyLabel = key.tokenKeyLabel;
    return { key, signer: (algorithm) => pkcs11Signer(token, { keyLabel, algorithm }) };
  }
  if (key.encryptedPkcs8 === null) throw new Error(`signing: key ${key.id} has no stored key`);
  if (key.purpose === 'seal') {
    const sealKey = decryptPrivateKey(key.encryptedPkcs8, ca.kek);
    return { key, privateKey: sealKey, signer: (algorithm) => keySigner(sealKey, algorithm) };
  }
  const spki = readCertificate(key.certificateDer).spki;
  const privateKey =
    pin === undefined ? undefined : await decryptWithPin(key.encryptedPkcs8, ca.kek, key.id, pin, spki);
  if (privateKey !== undefined) return { key, privateKey, signer: (algorithm) => keySigner(privateKey, algorithm) };
  const failures = await recordPinFailure(client, key.id, pinRules.lockAfter);
  const locked = failures >= pinRules.lockAfter;
  await logSigning(client, {
    office: principal.office,
    subject: principal.subject,
    action: locked ? 'locked' : 'pin-refused',
    keyId: key.id,
    detail: `attempt ${failures}`,
  });
  if (locked) return { refused: new AppError(signingErrors.SIGNING_KEY_LOCKED) };
  return {
    refused: new AppError(signingErrors.SIGNING_KEY_PIN_INCORRECT, {
      extra: { attemptsLeft: pinRules.lockAfter - failures },
    }),
  };
}

async function assertUsable(ca: CaContext, client: PoolClient, key: SigningKeyRecord): Promise<void> {
  const unfit = unfitForSigning(readCertificate(key.certificateDer), ca.clock.now());
  if (unfit !== undefined)
    throw new AppError(signingErrors.SIGNING_KEY_NOT_USABLE, {
      detail: `The key's certificate cannot sign: ${unfit}.`,
    });
  if (key.caCertificateId === null) return;
  const record = await findCertificate(client, key.caCertificateId);
  if (record === undefined || record.revokedAt !== null)
    throw new AppError(signingErrors.SIGNING_KEY_NOT_USABLE, { detail: "The key's certificate was revoked." });
}

/** A key unlocked for one use: its record and a signer for an algorithm. */
export interface UnlockedKey {
  key: SigningKeyRecord;
  signer: (algorithm: SigningAlgorithm) => Signer;
}

/**
 * Unlocks the caller's key for one use and records it (the use and the signing log commit
 * before the signature is made, so a long PDF signature holds no lock). `digest` is what the
 * log says is being signed (hex).
 */
export async function unlockForUse(
  ca: CaContext,
  principal: Principal,
  keyId: string,
  pin: string | undefined,
  digest: string,
  detail?: string,
): Promise<UnlockedKey> {
  const outcome = await withTransaction(ca.pool, async (client) => {
    const unlocked = await unlockKey(ca, client, principal, keyId, pin);
    if ('refused' in unlocked) return unlocked;
    await recordKeyUse(client, unlocked.key.id, ca.clock.now());
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'sign',
      keyId: unlocked.key.id,
      digest,
      ...(detail === undefined ? {} : { detail }),
    });
    return unlocked;
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome;
}

/** Replaces the PIN of the caller's personal key (the old PIN is required and counted like any use). */
export async function changePin(
  ca: CaContext,
  principal: Principal,
  keyId: string,
  pin: string,
  newPin: string,
): Promise<void> {
  const outcome = await withTransaction(ca.pool, async (client) => {
    const unlocked = await unlockKey(ca, client, principal, keyId, pin);
    if ('refused' in unlocked) return unlocked;
    if (unlocked.key.purpose !== 'personal' || unlocked.privateKey === undefined)
      throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND, { detail: 'Only personal keys have a PIN.' });
    await replaceEncryptedKey(client, keyId, await encryptWithPin(unlocked.privateKey, ca.kek, keyId, newPin));
    await recordKeyUse(client, keyId, ca.clock.now());
    await logSigning(client, { office: principal.office, subject: principal.subject, action: 'pin-change', keyId });
    return {};
  });
  if ('refused' in outcome) throw outcome.refused;
}
