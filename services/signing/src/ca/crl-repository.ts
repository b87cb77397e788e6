/**
 * The CRLs the CA issued and their numbers (tables `crl`, `crl_counter`): one-purpose
 * queries that take a pool or a client in a transaction.
 */
import type { PoolClient } from '@lienthong/db';
import type { Queryable } from '../queryable.ts';

/** One row of `crl`. */
export interface CrlRecord {
  issuerId: string;
  crlNumber: bigint;
  thisUpdate: Date;
  nextUpdate: Date;
  revokedCount: number;
  der: Uint8Array;
}

/** The CRL with the highest number `issuerId` issued, or undefined. */
export async function findLatestCrl(q: Queryable, issuerId: string): Promise<CrlRecord | undefined> {
  const { rows } = await q.query<{
    issuer_id: string;
    crl_number: string;
    this_update: Date;
    next_update: Date;
    revoked_count: number;
    der: Buffer;
  }>(
    'SELECT issuer_id, crl_number, this_update, next_update, revoked_count, der FROM crl WHERE issuer_id = $1 ORDER BY crl_number DESC LIMIT 1',
    [issuerId],
  );
  const row = rows[0];
  if (row === undefined) return undefined;
  return {
    issuerId: row.issuer_id,
    crlNumber: BigInt(row.crl_number),
    thisUpdate: row.this_update,
    nextUpdate: row.next_update,
    revokedCount: row.revoked_count,
    der: new Uint8Array(row.der),
  };
}

/**
 * Takes the next CRL number of `issuerId` (RFC 5280 §5.2.3: monotonically increasing).
 * The row stays locked until the transaction ends, so CRLs of one issuer are issued one at a time.
 */
export async function takeCrlNumber(client: PoolClient, issuerId: string): Promise<bigint> {
  const { rows } = await client.query<{ last_number: string }>(
    `INSERT INTO crl_counter (issuer_id, last_number) VALUES ($1, 1)
     ON CONFLICT (issuer_id) DO UPDATE SET last_number = crl_counter.last_number + 1
     RETURNING last_number`,
    [issuerId],
  );
  return BigInt(rows[0]!.last_number);
}

/** Stores an issued CRL. */
export async function insertCrl(q: Queryable, crl: CrlRecord): Promise<void> {
  await q.query(
    'INSERT INTO crl (issuer_id, crl_number, this_update, next_update, revoked_count, der) VALUES ($1, $2, $3, $4, $5, $6)',
    [crl.issuerId, crl.crlNumber.toString(), crl.thisUpdate, crl.nextUpdate, crl.revokedCount, Buffer.from(crl.der)],
  );
}
