/**
 * Renewing the TSA's and the OCSP responder's certificates before they expire. An expired
 * OCSP certificate makes every answer unverifiable (RFC 6960 §4.2.2.2), an expired TSA one
 * every new time-stamp (RFC 3161 §2.3), so the service replaces each with a new key and
 * certificate from the issuing CA once a fifth of its lifetime (at least 30 days) is left.
 * The old certificate and key stay in the table: what they signed still verifies. Checked
 * at start and then periodically; several instances agree through the CA setup lock, and an
 * instance that finds a newer certificate than its own takes it.
 */
import { withTransaction } from '@lienthong/db';
import { nameValues, OID, type Certificate } from '@lienthong/pki';
import type { ServiceApp } from '@lienthong/service';
import type { CaContext } from './ca-context.ts';
import { signerFor } from './ca-context.ts';
import { encryptWithKek } from './key-encryption.ts';
import { findLatestCrl } from './crl-repository.ts';
import { isMissingRootKey, renewRootCrl } from './crl-service.ts';
import { findByRole, insertCertificate, lockCaSetup } from './certificate-repository.ts';
import type { CertificateRecord } from './certificate-repository.ts';
import { certificateRecord, issueTrustServiceCertificate } from './local-hierarchy.ts';
import type { TrustServiceRole } from './local-hierarchy.ts';

const day = 86_400_000;

/** How often a running service looks again (it also looks at start). */
export const renewalCheckIntervalMs = 6 * 3_600_000;

/** Whether `certificate` is due for replacement at `now`: less than a fifth of its lifetime, or 30 days, left. */
export function renewalDue(certificate: Pick<Certificate, 'notBefore' | 'notAfter'>, now: Date): boolean {
  const lifetime = certificate.notAfter.getTime() - certificate.notBefore.getTime();
  const margin = Math.max(30 * day, lifetime / 5);
  return certificate.notAfter.getTime() - now.getTime() < margin;
}

async function renewRole(ca: CaContext, role: TrustServiceRole): Promise<CertificateRecord | undefined> {
  return withTransaction(ca.pool, async (client) => {
    await lockCaSetup(client);
    // Another instance may have renewed it already: take the newest, renew only if still due.
    const current = await findByRole(client, role);
    if (current === undefined) throw new Error(`signing: no ${role} certificate to renew`);
    if (!renewalDue(current, ca.clock.now())) return current.id === ca.hierarchy[role].id ? undefined : current;
    const { issuing } = ca.hierarchy;
    // Capped at the issuing CA's end already: a new one could not last longer. Renewing the CA is the operator's task.
    if (current.notAfter.getTime() >= issuing.notAfter.getTime())
      return current.id === ca.hierarchy[role].id ? undefined : current;
    const organisation = nameValues(ca.certificateOf(current).subject, OID.organizationName)[0] ?? 'lienthong';
    const issued = await issueTrustServiceCertificate(
      role,
      { certificate: ca.certificateOf(issuing), signer: await signerFor(client, ca, issuing), id: issuing.id },
      {
        organisation,
        notBefore: new Date(ca.clock.now().getTime() - 60_000),
        publicUrl: ca.publicUrl,
      },
    );
    const record = certificateRecord(issued.certificate, role, issuing.id);
    await insertCertificate(client, record, encryptWithKek(issued.keys.privateKey, ca.kek));
    return record;
  });
}

/**
 * Renews the TSA and OCSP certificates that are due and switches the context to the newest
 * of each; returns the roles whose certificate changed (renewed here or by another instance).
 */
export async function renewTrustServiceCertificates(ca: CaContext): Promise<TrustServiceRole[]> {
  const changed: TrustServiceRole[] = [];
  for (const role of ['tsa', 'ocsp'] as const) {
    const now = ca.clock.now();
    const newest = await findByRole(ca.pool, role);
    if (newest !== undefined && newest.id !== ca.hierarchy[role].id && !renewalDue(newest, now)) {
      ca.hierarchy[role] = newest;
      changed.push(role);
      continue;
    }
    if (!renewalDue(ca.hierarchy[role], now)) continue;
    const record = await renewRole(ca, role);
    if (record === undefined) continue;
    ca.hierarchy[role] = record;
    changed.push(role);
  }
  return changed;
}

/**
 * Pre-issues the root's CRL when it is due (crl-service.ts `renewRootCrl`); when the root's
 * key is not in the schema (kept offline), says when the current one runs out instead.
 */
async function renewRootCrlOrWarn(ca: CaContext, log: ServiceApp['log']): Promise<void> {
  try {
    const crl = await renewRootCrl(ca);
    if (crl !== undefined)
      log.info(
        `signing: the root's CRL ${crl.crlNumber.toString()} is issued, valid until ${crl.nextUpdate.toISOString()} (the root key is not needed online before then)`,
      );
  } catch (error) {
    if (!isMissingRootKey(ca, error)) throw error;
    const latest = await findLatestCrl(ca.pool, ca.hierarchy.root.id);
    log.warn(
      `signing: the root's CRL is due (the current one runs out ${latest?.nextUpdate.toISOString() ?? 'now'}) but the root's key is not in the database: issue it where the key is kept`,
    );
  }
}

/**
 * The renewal as a plugin of the service: the TSA and OCSP certificates, and the root's
 * pre-issued CRL, checked when the app starts, then every six hours until it closes.
 */
export async function trustServiceRenewal(app: ServiceApp, options: { ca: CaContext }): Promise<void> {
  const check = async (): Promise<void> => {
    const changed = await renewTrustServiceCertificates(options.ca);
    for (const role of changed)
      app.log.info(
        `signing: the ${role} now signs with a new certificate (${options.ca.hierarchy[role].id}, until ${options.ca.hierarchy[role].notAfter.toISOString()})`,
      );
    await renewRootCrlOrWarn(options.ca, app.log);
  };
  await check();
  const timer = setInterval(
    () =>
      void check().catch((error: unknown) =>
        app.log.error({ err: error }, 'signing: renewing the TSA/OCSP certificates failed; will try again'),
      ),
    renewalCheckIntervalMs,
  );
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}
