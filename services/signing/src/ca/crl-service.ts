/**
 * The current CRL of a CA of the hierarchy (RFC 5280 §5). The issuing CA's: the stored one
 * while it is fresh, otherwise a new one, numbered from the issuer's counter under a row lock
 * so two instances never issue the same number. The root's: pre-issued for a long period
 * (`renewRootCrl`, at start and with the six-hourly renewal check) and only ever served, so
 * that serving CRLs, OCSP, time-stamps, signatures and verification never decrypts the root
 * key; a root CRL is issued on request only when the schema holds none yet.
 */
import { withTransaction } from '@lienthong/db';
import { issueCrl } from '@lienthong/pki';
import type { CaContext } from './ca-context.ts';
import { MissingCaKeyError, signerFor } from './ca-context.ts';
import { findRevoked } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import { findLatestCrl, insertCrl, takeCrlNumber } from './crl-repository.ts';
import type { CrlRecord } from './crl-repository.ts';
import { crlValidityMs, isCrlStale, isRootCrlDue } from './crl-policy.ts';

type Rule = (latest: CrlRecord | undefined, revokedCount: number, now: Date) => boolean;

const rootRule =
  (ca: CaContext): Rule =>
  (latest, revokedCount, now) =>
    isRootCrlDue(latest, revokedCount, now, ca.rootCrlValidityMs);

/** The CRL DER of `issuer` (the root or the issuing CA): the issuing CA's re-issued when stale, the root's as pre-issued. */
export async function currentCrl(ca: CaContext, issuer: CertificateRecord): Promise<CrlRecord> {
  if (issuer.role === 'root') {
    const latest = await findLatestCrl(ca.pool, issuer.id);
    return latest ?? (await issueWhen(ca, issuer, ca.rootCrlValidityMs, (l) => l === undefined));
  }
  return issueWhen(ca, issuer, crlValidityMs, isCrlStale);
}

/**
 * Issues the root's CRL when it is due (crl-policy.ts `isRootCrlDue`): the one use of the
 * root key in operation, about every nine months with the default year. Returns the CRL
 * issued, undefined when the current one stands. Throws MissingCaKeyError when it is due and
 * the root's key is not in the schema (kept offline): the caller says so.
 */
export async function renewRootCrl(ca: CaContext): Promise<CrlRecord | undefined> {
  const { root } = ca.hierarchy;
  const latest = await findLatestCrl(ca.pool, root.id);
  const issued = await issueWhen(ca, root, ca.rootCrlValidityMs, rootRule(ca));
  return latest !== undefined && issued.crlNumber === latest.crlNumber ? undefined : issued;
}

/** The latest CRL of `issuer` unless `due` says a new one (valid `validityMs`) is needed; then issues it. */
async function issueWhen(ca: CaContext, issuer: CertificateRecord, validityMs: number, due: Rule): Promise<CrlRecord> {
  const now = ca.clock.now();
  const latest = await findLatestCrl(ca.pool, issuer.id);
  const revoked = await findRevoked(ca.pool, issuer.id);
  if (latest !== undefined && !due(latest, revoked.length, now)) return latest;
  return withTransaction(ca.pool, async (client) => {
    const number = await takeCrlNumber(client, issuer.id);
    // Under the counter's row lock: another instance may have issued one meanwhile.
    const again = await findLatestCrl(client, issuer.id);
    const revokedNow = await findRevoked(client, issuer.id);
    if (again !== undefined && !due(again, revokedNow.length, now)) {
      throw new FreshCrl(again);
    }
    const signer = await signerFor(client, ca, issuer);
    const thisUpdate = new Date(Math.floor(now.getTime() / 1000) * 1000);
    const nextUpdate = new Date(thisUpdate.getTime() + validityMs);
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

/** Whether `error` says the root's key is not in the schema (kept offline). */
export const isMissingRootKey = (ca: CaContext, error: unknown): boolean =>
  error instanceof MissingCaKeyError && error.certificateId === ca.hierarchy.root.id;

// Rolls the counter back (the transaction aborts) when another instance was first.
class FreshCrl extends Error {
  readonly crl: CrlRecord;
  constructor(crl: CrlRecord) {
    super('a fresh CRL exists');
    this.crl = crl;
  }
}
