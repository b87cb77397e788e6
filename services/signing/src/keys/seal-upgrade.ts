/**
 * At start: the seal keys the previous release stored under the KEK passphrase (node's
 * export, 2,048 PBKDF2 iterations) are encrypted again in this release's form, under the
 * derived KEK at 600,000 iterations (ca/key-encryption.ts), in one transaction.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import { isLegacyKeyAtRest, reEncrypt } from '../ca/key-encryption.ts';
import type { KeyEncryptionKey } from '../ca/key-encryption.ts';
import { listServerSealKeys, reEncryptKey } from './key-repository.ts';

/** Re-encrypts the previous release's seal keys; returns how many. */
export async function upgradeSealKeys(pool: Pool, kek: KeyEncryptionKey): Promise<number> {
  return withTransaction(pool, async (client) => {
    const legacy = (await listServerSealKeys(client)).filter((k) => isLegacyKeyAtRest(k.encryptedPkcs8));
    for (const k of legacy) await reEncryptKey(client, k.id, reEncrypt(k.encryptedPkcs8, kek));
    return legacy.length;
  });
}
