import { createHash } from 'node:crypto';
import { DbError } from './errors.ts';

const schemaPattern = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Checks a schema name against the house pattern (lower-case SQL identifier, at most
 * NAMEDATALEN-1 = 63 bytes) and returns it double-quoted, ready to splice into SQL.
 * Quoting is belt and braces: the pattern already excludes every character that needs it.
 */
export function quoteSchema(schema: string): string {
  if (!schemaPattern.test(schema)) {
    throw new DbError('DB_SCHEMA_NAME_INVALID', JSON.stringify(schema));
  }
  return `"${schema}"`;
}

/**
 * A 64-bit advisory lock key (as a decimal string for `$1::bigint`) for one purpose in
 * one schema. Derived in JS with SHA-256 so that every process and every Postgres
 * (PostgreSQL and PGlite) computes the same key.
 */
export function advisoryKey(purpose: string, schema: string): string {
  const digest = createHash('sha256').update(`lienthong:${purpose}:${schema}`).digest();
  return digest.readBigInt64BE(0).toString();
}
