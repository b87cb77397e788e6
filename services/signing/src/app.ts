/**
 * The signing service (keys, certificates, signing, verification and timestamps). Load
 * order is the layout: external clients (the platform: database, bus, object store) → the
 * CA's state and rules (set up at start) → the metrics → routes, one plugin per resource. Without a
 * platform (the kit's own tests) only the shared routes are served.
 */
import { systemClock, type Clock } from '@lienthong/pki';
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import type { Pool } from '@lienthong/db';
import pkg from '../package.json' with { type: 'json' };
import { createCaContext } from './ca/ca-context.ts';
import { ensureLocalCa } from './ca/ca-setup.ts';
import { deriveKek, upgradeCaKeys } from './ca/key-encryption.ts';
import { upgradeSealKeys } from './keys/seal-upgrade.ts';
import { readTrustAnchors } from './ca/trust-anchors.ts';
import { trustServiceRenewal } from './ca/trust-service-renewal.ts';
import { signingMetrics } from './signing/signing-metrics.ts';
import { twoStepPurge } from './signing/two-step-purge.ts';
import { directoryTopic, runDirectoryConsumer } from './directory/directory-consumer.ts';
import { replaceOffices } from './identity/identity-repository.ts';
import { readOfficesFile } from './identity/office-file.ts';
import { openTokenSession } from './token/pkcs11-token.ts';
import { twoStepBucket } from './signing/two-step-pdf.ts';
import type { SigningConfig } from './config.ts';
import { caRoutes } from './routes/ca-routes.ts';
import { evidenceRoutes } from './routes/evidence-routes.ts';
import { keyImageRoutes } from './routes/key-image-routes.ts';
import { keyRequestRoutes } from './routes/key-request-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { ocspRoutes } from './routes/ocsp-routes.ts';
import { officeRoutes } from './routes/office-routes.ts';
import { pdfRoutes } from './routes/pdf-routes.ts';
import { revocationRoutes } from './routes/revocation-routes.ts';
import { sealRoutes } from './routes/seal-routes.ts';
import { tsaRoutes } from './routes/tsa-routes.ts';
import { twoStepRoutes } from './routes/two-step-routes.ts';
import { verifyRoutes } from './routes/verify-routes.ts';
import { parsingPool } from './workers/parsing-pool.ts';

/** What the signing app is given from outside. */
export type SigningDeps = ServiceDeps & {
  /** The clock of the CA and the TSA (default: the system clock). */
  clock?: Clock;
};

/**
 * The registered offices: the offices file's, written to the `office` table at start (an
 * invalid file stops the start, one line per problem), except those intake's directory has
 * published, which are the directory's. Without the file the table is left as it is, and an
 * empty table means no certificate can be issued until the directory publishes offices.
 */
async function registerOffices(
  pool: Pool,
  file: string | undefined,
  log: { info(message: string): void; warn(message: string): void },
): Promise<void> {
  if (file === undefined) {
    log.warn('signing: no LIENTHONG_SIGNING_OFFICES_FILE: the offices registered before (if any) stay as they are');
    return;
  }
  const offices = await readOfficesFile(file);
  const { removed, fromDirectory } = await replaceOffices(pool, offices);
  log.info(
    `signing: ${offices.length} registered office(s) from ${file}: ${offices.map((o) => o.code).join(', ')}${removed.length === 0 ? '' : `; no longer registered: ${removed.join(', ')}`}${fromDirectory.length === 0 ? '' : `; kept as the directory published them: ${fromDirectory.join(', ')}`}`,
  );
}

/** Builds the signing app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: SigningConfig, deps: SigningDeps = {}): Promise<ServiceApp> {
  const { clock = systemClock, ...kitDeps } = deps;
  const app = await createServiceApp({
    name: 'signing',
    version: pkg.version,
    config,
    description: 'lienthong signing: keys, certificates, signing, verification and timestamps.',
    ...kitDeps,
  });
  const platform = deps.platform;
  if (platform === undefined) return app;
  try {
    const kek = await deriveKek(platform.pool, config.kek);
    const upgraded = (await upgradeCaKeys(platform.pool, kek)) + (await upgradeSealKeys(platform.pool, kek));
    if (upgraded > 0)
      app.log.info(`signing: ${upgraded} key(s) of the previous release re-encrypted (PBES2, 600,000 iterations)`);
    const hierarchy = await ensureLocalCa(platform.pool, kek, clock, app.log, config.publicUrl);
    const token =
      config.pkcs11 === undefined ? undefined : openTokenSession({ ...config.pkcs11, pin: config.pkcs11Pin ?? '' });
    if (token !== undefined) app.addHook('onClose', async () => token.close());
    const anchors = config.trustAnchorsFile === undefined ? [] : await readTrustAnchors(config.trustAnchorsFile);
    await registerOffices(platform.pool, config.officesFile, app.log);
    const countTimeStamp = signingMetrics(app, platform.pool, () => clock.now());
    const ca = createCaContext(platform.pool, kek, clock, hierarchy, {
      externalAnchors: anchors,
      countTimeStamp,
      ...(token === undefined ? {} : { token }),
      ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
      rootCrlValidityMs: config.rootCrlDays * 86_400_000,
    });
    const workers = parsingPool(app, config.workers);
    await app.register(trustServiceRenewal, { ca });
    await app.register(caRoutes, { ca });
    await app.register(sealRoutes, { ca });
    await app.register(tsaRoutes, {
      ca,
      auth: config.auth,
      evidenceKeys: config.evidenceKeys,
      archiveKeys: config.archiveKeys,
      audience: config.auth.audience,
    });
    await app.register(ocspRoutes, { ca });
    await app.register(verifyRoutes, { ca, workers });
    await app.register(keyRoutes, { ca });
    await app.register(keyImageRoutes, { ca });
    await app.register(keyRequestRoutes, { ca });
    await app.register(officeRoutes, { ca });
    await platform.store.ensureBucket(twoStepBucket);
    await app.register(pdfRoutes, {
      ca,
      store: platform.store,
      workers,
      uploadsPerCaller: config.uploadsPerCaller,
      auth: config.auth,
      archiveKeys: config.archiveKeys,
      audience: config.auth.audience,
    });
    await app.register(twoStepRoutes, { ca, store: platform.store });
    await app.register(twoStepPurge, { ca, store: platform.store });
    await app.register(revocationRoutes, { ca });
    await app.register(evidenceRoutes, { ca, keys: config.evidenceKeys, audience: config.auth.audience });
    // The directory's offices and people (issue 16), consumed for as long as the app runs;
    // started in the background, so an unreachable bus does not keep the CA from answering.
    const directory = runDirectoryConsumer({
      pool: platform.pool,
      bus: platform.bus,
      clock,
      log: app.log,
      ...directoryTopic(config.topicNamespace),
    });
    app.addHook('onClose', async () => directory.stop());
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
