/**
 * The intake service (documents, registers, numbering and issue). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. For now: the shared kit.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { IntakeConfig } from './config.ts';

/** What the intake app is given from outside. */
export type IntakeDeps = ServiceDeps;

/** Builds the intake app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: IntakeConfig, deps: IntakeDeps = {}): Promise<ServiceApp> {
  return createServiceApp({
    name: 'intake',
    version: pkg.version,
    config,
    description: 'lienthong intake: documents, registers, numbering and issue.',
    ...deps,
  });
}
