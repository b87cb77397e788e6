/**
 * The current CRL of a CA of the hierarchy (RFC 5280 §5): the stored one while it is
 * fresh, otherwise a new one, numbered from the issuer's counter under a row lock so two
 * instances never issue the same number.
 */
import { withTransaction } from '@lienthong/db';
import { issueCrl } from '@lienthong/pki';
import type { CaContext } from './ca-context.ts';
import { signerFor } from './ca-context.ts';
import { findRevoked } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import { findLatestCrl, insertCrl, takeCrlNumber } from './crl-repository.ts';
import type { CrlRecord } from './crl-repository.ts';
import { crlValidityMs, isCrlStale } from './crl-policy.ts';

/** The CRL DER of `issuer` (the root or the issuing CA), issuing a new one when the current one is stale. */
export async function currentCrl(ca: CaContext, issuer: CertificateRecord): Promise<CrlRecord> {
  const now = ca.clock.now();
  const latest = await findLatestCrl(ca.pool, issuer.id);
  const revoked = await findRevoked(ca.pool, issuer.id);
  if (latest !== undefined && !isCrlStale(latest, revoked.length, now)) return latest;
  return withTransaction(ca.pool, async (client) => {
    const number = await takeCrlNumber(client, issuer.id);
    // Under the counter's row lock: another instance may have issued one meanwhile.
    const again = await findLatestCrl(client, issuer.id);
    const revokedNow = await findRevoked(client, issuer.id);
    if (again !== undefined && !isCrlStale(again, revokedNow.length, now)) {
      throw new FreshCrl(again);
    }
    const signer = await signerFor(client, ca, issuer);
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + crlValidityMs);
    const crl = await issueCrl(
      {
        crlNumber: number,
        thisUpdate,
        nextUpdate,
        revoked: revokedNow.map((r) => ({
          serialNumber: Buffer.from(r.serialHex, 'hex'),
          revocationDate: r.revokedAt ?? thisUpdate,
          ...(r.revocationReason === null ? {} : { reason: r.revocationReason }),
        })),
      },
      ca.certificateOf(issuer),
      signer,
      { clock: ca.clock },
    );
    const record: CrlRecord = {
      issuerId: issuer.id,
      crlNumber: number,
      thisUpdate,
      nextUpdate,
      revokedCount: revokedNow.length,
      der: crl.der,
    };
    await insertCrl(client, record);
    return record;
  }).catch((error: unknown) => {
    if (error instanceof FreshCrl) return error.crl;
    throw error;
  });
}

// Rolls the counter back (the transaction aborts) when another instance was first.
class FreshCrl extends Error {
  readonly crl: CrlRecord;
  constructor(crl: CrlRecord) {
    super('a fresh CRL exists');
    this.crl = crl;
  }
}
