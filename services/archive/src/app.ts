/**
 * The archive service (records in object storage, search, fixity, retention and holds). Load order is the layout: external clients →
 * repositories and rules → routes. For now: the shared kit only.
 */
import { createServiceApp } from '@lienthong/service';
import type { Logger, ReadinessCheck, ServiceApp } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { ArchiveConfig } from './config.ts';

/** What the archive app is given from outside (later: pool, bus, store). */
export interface ArchiveDeps {
  checks?: ReadinessCheck[];
  logger?: Logger;
}

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
