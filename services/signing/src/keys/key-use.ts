/**
 * Using a server-held key: unlocking it for one signature (signing/ makes the signature)
 * and changing its PIN. Each use locks the key's row, checks who calls, the key's state and
 * its PIN, and writes the outcome of that check to the signing log in the same transaction;
 * a wrong PIN is counted (and the key locked at the limit) even though the request fails.
 * The signature itself is logged once made, or failed (loggedSigner).
 */
import { createHash } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { withTransaction } from '@lienthong/db';
import type { PoolClient } from '@lienthong/db';
import { keySigner, readCertificate, type Signer, type SigningAlgorithm } from '@lienthong/pki';
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { findCertificate } from '../ca/certificate-repository.ts';
import { isLegacyKeyAtRest } from '../ca/key-encryption.ts';
import { signingErrors } from '../errors.ts';
import { lockSigningKey, recordKeyUse, recordPinFailure, reEncryptKey, replaceEncryptedKey } from './key-repository.ts';
import type { SigningKeyRecord } from './key-repository.ts';
import { mayUseKey, unfitForSigning } from './key-rules.ts';
import { heldSealKey, tokenSignerOf } from './seal-signer.ts';
import { assertNewPin, decryptWithPin, encryptWithPin, pinRules } from './pin.ts';
import { errorCode, logSigning, recentPinFailures } from './signing-log-repository.ts';
import type { SigningLogEntry } from './signing-log-repository.ts';

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
  if (key.storage === 'token') throw new AppError(signingErrors.SIGNING_KEY_ON_TOKEN);
  await assertUsable(ca, client, key);
  if (key.storage === 'pkcs11') return { key, signer: tokenSignerOf(ca, key) };
  if (key.encryptedPkcs8 === null) throw new Error(`signing: key ${key.id} has no stored key`);
  if (key.purpose === 'seal') {
    const opened = heldSealKey(ca, key);
    return { key, privateKey: opened, signer: (algorithm) => keySigner(opened, algorithm) };
  }
  const recent = await recentPinFailures(client, key.id, pinRules.failureWindowMs);
  if (recent.count >= pinRules.failuresPerWindow) {
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'pin-capped',
      keyId: key.id,
      detail: `${recent.count} wrong PINs in ${pinRules.failureWindowMs / 3_600_000} h: not tried`,
      outcome: 'SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED',
    });
    return {
      refused: new AppError(signingErrors.SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED, {
        extra: { retryAfterSeconds: Math.ceil(recent.retryAfterMs / 1000) },
      }),
    };
  }
  const spki = readCertificate(key.certificateDer).spki;
  const privateKey =
    pin === undefined ? undefined : await decryptWithPin(key.encryptedPkcs8, ca.kek, key.id, pin, spki);
  if (privateKey !== undefined) {
    // A key the previous release stored is written again in this release's form now that the PIN opened it.
    if (pin !== undefined && isLegacyKeyAtRest(key.encryptedPkcs8))
      await reEncryptKey(client, key.id, await encryptWithPin(privateKey, ca.kek, key.id, pin));
    return { key, privateKey, signer: (algorithm) => keySigner(privateKey, algorithm) };
  }
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
 * A signer whose every signature is logged once it is made, with what it produced (`sign`,
 * outcome `sha256:<hex>` of the signature value) or why it was not (`sign-failed`, outcome
 * the error code): the log says what happened, not what was about to.
 */
function loggedSigner(
  ca: CaContext,
  entry: Omit<SigningLogEntry, 'action'>,
  algorithm: SigningAlgorithm,
  make: () => Signer,
): Signer {
  return {
    algorithm,
    async sign(data) {
      let signature: Uint8Array;
      try {
        // Made here, so that a key the token no longer finds is a logged failure too.
        signature = await make().sign(data);
      } catch (error) {
        await logSigning(ca.pool, { ...entry, action: 'sign-failed', outcome: errorCode(error) });
        throw error;
      }
      const produced = `sha256:${createHash('sha256').update(signature).digest('hex')}`;
      await logSigning(ca.pool, { ...entry, action: 'sign', outcome: produced });
      return signature;
    },
  };
}

/**
 * Unlocks the caller's key for one use. The PIN check commits first with its outcome
 * (`pin-accepted`, or a refusal counted), so a long PDF signature holds no lock; each
 * signature the returned signer makes is then logged with its outcome. `digest` is what the
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
    if (unlocked.key.purpose === 'personal')
      await logSigning(client, {
        office: principal.office,
        subject: principal.subject,
        action: 'pin-accepted',
        keyId: unlocked.key.id,
        digest,
      });
    return unlocked;
  });
  if ('refused' in outcome) throw outcome.refused;
  const entry = {
    office: principal.office,
    subject: principal.subject,
    keyId: outcome.key.id,
    digest,
    ...(detail === undefined ? {} : { detail }),
  };
  return {
    key: outcome.key,
    signer: (algorithm) => loggedSigner(ca, entry, algorithm, () => outcome.signer(algorithm)),
  };
}

/**
 * Replaces the PIN of the caller's personal key (the old PIN is required and counted like any
 * use); the new one must meet the PIN policy (400 PIN_POLICY_UNMET, checked before the old one
 * is tried), and the key's `pinPolicy` is then `met`.
 */
export async function changePin(
  ca: CaContext,
  principal: Principal,
  keyId: string,
  pin: string,
  newPin: string,
): Promise<void> {
  assertNewPin(newPin, 'newPin');
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
