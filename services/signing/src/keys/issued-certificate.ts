/**
 * A certificate the local CA has just signed, stored with what goes with it (the signing key
 * row, the decision of a request) in one transaction. The certificate row is written first;
 * the rest runs under a savepoint, and when it fails the certificate is kept but revoked
 * (cessationOfOperation, RFC 5280 §5.3.1) and the failure logged with its error code, in the
 * same transaction — so OCSP answers "revoked" for a certificate whose key was not stored,
 * never "unknown", and the next CRL lists it. Should the transaction itself fail (the
 * database gone), nothing commits: the certificate was never stored, returned or logged, and
 * exists only in the memory of the failed request.
 */
import type { PoolClient } from '@lienthong/db';
import { CrlReason } from '@lienthong/pki';
import type { CaContext } from '../ca/ca-context.ts';
import { insertCertificate, revokeCertificate } from '../ca/certificate-repository.ts';
import type { CertificateRecord } from '../ca/certificate-repository.ts';
import { errorCode, logSigning } from './signing-log-repository.ts';
import type { SigningLogEntry } from './signing-log-repository.ts';

/**
 * Stores `record` and then runs `store` under a savepoint, in the caller's transaction. On a
 * failure of `store` the certificate is revoked, `failure` is logged with the error's code as
 * its outcome, and the error is returned (the caller commits, then throws it).
 */
export async function storeIssuedCertificate<T>(
  ca: CaContext,
  client: PoolClient,
  record: CertificateRecord,
  store: () => Promise<T>,
  failure: SigningLogEntry,
): Promise<{ stored: T } | { failed: unknown }> {
  await insertCertificate(client, record);
  await client.query('SAVEPOINT issued_certificate');
  try {
    const stored = await store();
    await client.query('RELEASE SAVEPOINT issued_certificate');
    return { stored };
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT issued_certificate');
    await revokeCertificate(client, record.id, ca.clock.now(), CrlReason.cessationOfOperation);
    await logSigning(client, {
      ...failure,
      detail: `${failure.detail ?? record.subject}; certificate ${record.serialHex} revoked (cessationOfOperation)`,
      outcome: errorCode(error),
    });
    return { failed: error };
  }
}
