/**
 * Setting up the local CA at start: when the schema holds no root yet, the hierarchy is
 * built in memory (outside any transaction: key generation takes seconds) and stored in
 * one transaction under an advisory lock. A second instance starting at the same time
 * finds the root under the lock and discards its own; the unique index on the root and
 * issuing-CA roles guards the same rule in the table itself.
 *
 * The public URL (config `publicUrl`) counts only when the hierarchy is created: the
 * issuing CA, TSA and OCSP responder certificates then point to their issuer's CRL and
 * certificate. A hierarchy created before the URL was set is kept as it is (never
 * re-issued); only the certificates issued from then on carry the URLs.
 */
import { withTransaction } from '@lienthong/db';
import type { Pool } from '@lienthong/db';
import type { Clock } from '@lienthong/pki';
import { findByRole, insertCertificate, lockCaSetup } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import type { KeyEncryptionKey } from './key-encryption.ts';
import { buildLocalHierarchy } from './local-hierarchy.ts';

/** The four certificates the trust services use. */
export interface CaHierarchy {
  root: CertificateRecord;
  issuing: CertificateRecord;
  tsa: CertificateRecord;
  ocsp: CertificateRecord;
}

async function loadHierarchy(pool: Pool): Promise<CaHierarchy | undefined> {
  const [root, issuing, tsa, ocsp] = await Promise.all([
    findByRole(pool, 'root'),
    findByRole(pool, 'issuing-ca'),
    findByRole(pool, 'tsa'),
    findByRole(pool, 'ocsp'),
  ]);
  if (root === undefined || issuing === undefined || tsa === undefined || ocsp === undefined) return undefined;
  return { root, issuing, tsa, ocsp };
}

/** Loads the CA hierarchy, creating it first (published at `publicUrl`, when given) when the schema holds none. */
export async function ensureLocalCa(
  pool: Pool,
  kek: KeyEncryptionKey,
  clock: Clock,
  logger: { info(message: string): void },
  publicUrl?: string,
): Promise<CaHierarchy> {
  const existing = await loadHierarchy(pool);
  if (existing !== undefined) return existing;
  logger.info('signing: no CA yet; creating the local hierarchy (root, issuing CA, TSA, OCSP responder)');
  const hierarchy = await buildLocalHierarchy(kek, clock, publicUrl === undefined ? {} : { publicUrl });
  const created = await withTransaction(pool, async (client) => {
    await lockCaSetup(client);
    if ((await findByRole(client, 'root')) !== undefined) return false;
    for (const { record, encryptedKey } of hierarchy) await insertCertificate(client, record, encryptedKey);
    return true;
  });
  if (!created) logger.info('signing: another instance created the CA first; using it');
  const loaded = await loadHierarchy(pool);
  if (loaded === undefined) throw new Error('signing: the CA hierarchy is incomplete after setup');
  return loaded;
}
