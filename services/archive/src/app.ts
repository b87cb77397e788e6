/**
 * The archive service (records in object storage, search, fixity, retention and holds). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. Built: the catalog and its search
 * (`src/catalog/`, `GET /v1/records`); without a platform (the kit's own tests) only the shared routes.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { ArchiveConfig } from './config.ts';
import { recordRoutes } from './routes/record-routes.ts';
import { auditRoutes } from './routes/audit-routes.ts';

/** What the archive app is given from outside. */
export type ArchiveDeps = ServiceDeps;

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
    await app.register(auditRoutes, { pool: platform.pool });
  } catch (error) {
    await app.close();
    throw error;
  }
  return app;
}
