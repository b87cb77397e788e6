/**
 * The archive service (records in object storage, search, fixity, retention and holds). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. For now: the shared kit.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { ArchiveConfig } from './config.ts';

/** What the archive app is given from outside. */
export type ArchiveDeps = ServiceDeps;

/** Builds the archive app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: ArchiveConfig, deps: ArchiveDeps = {}): Promise<ServiceApp> {
  return createServiceApp({
    name: 'archive',
    version: pkg.version,
    config,
    description: 'lienthong archive: records in object storage, search, fixity, retention and holds.',
    ...deps,
  });
}
