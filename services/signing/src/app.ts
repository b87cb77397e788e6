/**
 * The signing service (keys, certificates, signing, verification and timestamps). Load
 * order is the layout: external clients (the platform: database, bus, object store) → the
 * CA's state and rules (set up at start) → routes, one plugin per resource. Without a
 * platform (the kit's own tests) only the shared routes are served.
 */
import { systemClock, type Clock } from '@lienthong/pki';
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { createCaContext } from './ca/ca-context.ts';
import { ensureLocalCa } from './ca/ca-setup.ts';
import { readTrustAnchors } from './ca/trust-anchors.ts';
import { trustServiceRenewal } from './ca/trust-service-renewal.ts';
import { openTokenSession } from './token/pkcs11-token.ts';
import { twoStepBucket } from './signing/two-step-pdf.ts';
import type { SigningConfig } from './config.ts';
import { caRoutes } from './routes/ca-routes.ts';
import { keyImageRoutes } from './routes/key-image-routes.ts';
import { keyRoutes } from './routes/key-routes.ts';
import { ocspRoutes } from './routes/ocsp-routes.ts';
import { pdfRoutes } from './routes/pdf-routes.ts';
import { revocationRoutes } from './routes/revocation-routes.ts';
import { sealRoutes } from './routes/seal-routes.ts';
import { tsaRoutes } from './routes/tsa-routes.ts';
import { twoStepRoutes } from './routes/two-step-routes.ts';
import { verifyRoutes } from './routes/verify-routes.ts';

/** What the signing app is given from outside. */
export type SigningDeps = ServiceDeps & {
  /** The clock of the CA and the TSA (default: the system clock). */
  clock?: Clock;
};

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
    const hierarchy = await ensureLocalCa(platform.pool, config.kek, clock, app.log, config.publicUrl);
    const token =
      config.pkcs11 === undefined ? undefined : openTokenSession({ ...config.pkcs11, pin: config.pkcs11Pin ?? '' });
    if (token !== undefined) app.addHook('onClose', async () => token.close());
    const anchors = config.trustAnchorsFile === undefined ? [] : await readTrustAnchors(config.trustAnchorsFile);
    const ca = createCaContext(platform.pool, config.kek, clock, hierarchy, {
      externalAnchors: anchors,
      ...(token === undefined ? {} : { token }),
      ...(config.publicUrl === undefined ? {} : { publicUrl: config.publicUrl }),
    });
    await app.register(trustServiceRenewal, { ca });
    await app.register(caRoutes, { ca });
    await app.register(sealRoutes, { ca });
    await app.register(tsaRoutes, { ca });
    await app.register(ocspRoutes, { ca });
    await app.register(verifyRoutes, { ca });
    await app.register(keyRoutes, { ca });
    await app.register(keyImageRoutes, { ca });
    await platform.store.ensureBucket(twoStepBucket);
    await app.register(pdfRoutes, { ca, store: platform.store });
    await app.register(twoStepRoutes, { ca, store: platform.store });
    await app.register(revocationRoutes, { ca });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
