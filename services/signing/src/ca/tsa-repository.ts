/** The time-stamp token serial numbers (sequence `tsa_serial`). */
import type { Queryable } from '../queryable.ts';

/** The next time-stamp token serial number (RFC 3161 §2.4.2), from a sequence: unique across instances. */
export async function nextTsaSerial(q: Queryable): Promise<bigint> {
  const { rows } = await q.query<{ serial: string }>("SELECT nextval('tsa_serial') AS serial");
  return BigInt(rows[0]!.serial);
}
