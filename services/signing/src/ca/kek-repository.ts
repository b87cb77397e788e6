/**
 * Table `kek`: the salt and scrypt parameters from which the KEK passphrase is turned into a
 * key, and the check value that tells a wrong passphrase (ca/key-encryption.ts). One row.
 */
import type { Queryable } from '../queryable.ts';

/** The stored derivation of the KEK. */
export interface KekDerivation {
  salt: Buffer;
  N: number;
  r: number;
  p: number;
  checkValue: Buffer;
}

/** The schema's KEK derivation, or undefined before the first start of this release. */
export async function findKekDerivation(q: Queryable): Promise<KekDerivation | undefined> {
  const { rows } = await q.query<{
    salt: Buffer;
    scrypt_n: number;
    scrypt_r: number;
    scrypt_p: number;
    check_value: Buffer;
  }>('SELECT salt, scrypt_n, scrypt_r, scrypt_p, check_value FROM kek WHERE id = 1');
  const row = rows[0];
  return row === undefined
    ? undefined
    : { salt: row.salt, N: row.scrypt_n, r: row.scrypt_r, p: row.scrypt_p, checkValue: row.check_value };
}

/** Stores the derivation unless one exists (another instance's first start wins). */
export async function insertKekDerivation(q: Queryable, d: KekDerivation): Promise<void> {
  await q.query(
    `INSERT INTO kek (id, salt, scrypt_n, scrypt_r, scrypt_p, check_value) VALUES (1, $1, $2, $3, $4, $5)
     ON CONFLICT (id) DO NOTHING`,
    [d.salt, d.N, d.r, d.p, d.checkValue],
  );
}
