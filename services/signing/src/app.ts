/**
 * The signing service (keys, certificates, signing, verification and timestamps). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. For now: the shared kit.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { SigningConfig } from './config.ts';

/** What the signing app is given from outside. */
export type SigningDeps = ServiceDeps;

/** Builds the signing app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: SigningConfig, deps: SigningDeps = {}): Promise<ServiceApp> {
  return createServiceApp({
    name: 'signing',
    version: pkg.version,
    config,
    description: 'lienthong signing: keys, certificates, signing, verification and timestamps.',
    ...deps,
  });
}
