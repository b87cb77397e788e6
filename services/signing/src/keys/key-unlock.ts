/**
 * Unlocking a personal key that too many wrong PINs locked. The PIN still protects the key
 * (it is encrypted under it, and nobody here can decrypt it without it), so an unlock gives
 * the owner fresh attempts, nothing more — and no more than ten wrong PINs a day in all
 * (pin.ts `failuresPerWindow`), however often it is unlocked. A CA administrator of the
 * office does it for someone else, with a reason; the signing log keeps who, when, why and
 * since when the key was locked, and a refused unlock (their own key, a seal, a key not
 * locked) with its code.
 */
import { withTransaction } from '@lienthong/db';
import { AppError, roles } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import { requireRoleOf } from '../access.ts';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { lockSigningKey, unlockSigningKey } from './key-repository.ts';
import { logSigning } from './signing-log-repository.ts';
import type { SigningKeyRecord } from './key-repository.ts';
import { mayUnlockKey, mayViewKey } from './key-rules.ts';

/** Unlocks the office's locked personal key `keyId` (a ca-admin; 403 otherwise); returns it as it is now. */
export async function unlockKey(
  ca: CaContext,
  principal: Principal,
  keyId: string,
  reason: string,
): Promise<SigningKeyRecord> {
  requireRoleOf(principal, roles.caAdmin);
  const outcome = await withTransaction<{ refused: AppError } | { key: SigningKeyRecord }>(ca.pool, async (client) => {
    const key = await lockSigningKey(client, principal.office, keyId);
    if (key === undefined || !mayViewKey(principal, key)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
    if (!mayUnlockKey(principal, key) || key.lockedAt === null) {
      const refused = mayUnlockKey(principal, key)
        ? new AppError(signingErrors.SIGNING_KEY_NOT_LOCKED)
        : new AppError(signingErrors.SIGNING_KEY_UNLOCK_REFUSED, {
            detail:
              key.purpose === 'seal'
                ? 'A seal has no PIN and is never locked.'
                : 'Another CA administrator of the office must unlock this key.',
          });
      // An unlock of one of the office's keys by its administrator is logged, refused or done.
      await logSigning(client, {
        office: principal.office,
        subject: principal.subject,
        action: 'unlock-refused',
        keyId: key.id,
        detail: reason,
        outcome: String(refused.code),
      });
      return { refused };
    }
    await unlockSigningKey(client, key.id);
    await logSigning(client, {
      office: principal.office,
      subject: principal.subject,
      action: 'unlock',
      keyId: key.id,
      detail: `locked since ${key.lockedAt.toISOString()}: ${reason}`,
    });
    return { key: { ...key, lockedAt: null, failedPinAttempts: 0 } };
  });
  if ('refused' in outcome) throw outcome.refused;
  return outcome.key;
}
