/**
 * The archive service (records in object storage, search, fixity, retention and holds). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. Built: the catalog and its search
 * (`src/catalog/`, `GET /v1/records`); the ingest of `document.issued` into the archive bucket
 * (`src/ingest/`, `src/packages/`); without a platform (the kit's own tests) only the shared routes.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { ArchiveConfig } from './config.ts';
import { startArchiveIngest } from './ingest/archive-ingest.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { ensureArchiveBucket } from './store/archive-bucket.ts';
import { createStoreGuard } from './store/store-guard.ts';
import type { StoreGuard } from './store/store-guard.ts';

/** What the archive app is given from outside. */
export type ArchiveDeps = ServiceDeps & {
  /** The store self-test the ingest obeys (tests); by default the one built here on the archive bucket. */
  storeGuard?: Pick<StoreGuard, 'assertSafe'>;
  /** A permanent record's retention ahead of ingest, ms (tests; default 100 years, README "Packages"). */
  permanentHorizonMs?: number;
};

/** Builds the archive app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: ArchiveConfig, deps: ArchiveDeps = {}): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'archive',
    version: pkg.version,
    config,
    description: 'lienthong archive: records in object storage, search, fixity, retention and holds.',
    ...deps,
  });
  const platform = deps.platform;
  if (platform === undefined) return app;
  try {
    await app.register(recordRoutes, { pool: platform.pool });
    // The ingest obeys the store self-test (src/store/): injected by tests, else the archive's own.
    await ensureArchiveBucket(platform.store, config.bucket);
    let guard = deps.storeGuard;
    if (guard === undefined) {
      const own = createStoreGuard({
        store: platform.store,
        bucket: config.bucket,
        intervalMs: 3_600_000,
        logger: app.log,
      });
      own.start();
      app.addHook('preClose', () => own.stop());
      guard = own;
    }
    await startArchiveIngest(app, {
      config,
      platform,
      guard,
      ...(deps.permanentHorizonMs === undefined ? {} : { permanentHorizonMs: deps.permanentHorizonMs }),
    });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
