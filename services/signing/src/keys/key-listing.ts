/**
 * Which keys a caller sees: their own (and the office's seals for its registry), every key
 * of the office for its CA administrators (seeing is not using). Another office's keys do
 * not exist for the caller.
 */
import { AppError } from '@lienthong/service';
import type { Principal } from '@lienthong/service';
import type { CaContext } from '../ca/ca-context.ts';
import { signingErrors } from '../errors.ts';
import { findSigningKey, listSigningKeys } from './key-repository.ts';
import type { SigningKeyRecord } from './key-repository.ts';
import { mayViewKey, ownersVisibleTo } from './key-rules.ts';

/** The keys of the caller's office that the caller may see, oldest first. */
export async function listKeys(ca: CaContext, principal: Principal): Promise<SigningKeyRecord[]> {
  const keys = await listSigningKeys(ca.pool, principal.office, ownersVisibleTo(principal));
  return keys.filter((key) => mayViewKey(principal, key));
}

/** The key `keyId` if the caller may see it; 404 SIGNING_KEY_NOT_FOUND otherwise. */
export async function viewKey(ca: CaContext, principal: Principal, keyId: string): Promise<SigningKeyRecord> {
  const key = await findSigningKey(ca.pool, principal.office, keyId);
  if (key === undefined || !mayViewKey(principal, key)) throw new AppError(signingErrors.SIGNING_KEY_NOT_FOUND);
  return key;
}
