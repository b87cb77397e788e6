/**
 * The intake service (documents, registers, numbering and issue). Load order is the layout: external clients →
 * repositories and rules → routes. For now: the shared kit only.
 */
import { createServiceApp } from '@lienthong/service';
import type { Logger, ReadinessCheck, ServiceApp } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { IntakeConfig } from './config.ts';

/** What the intake app is given from outside (later: pool, bus, store). */
export interface IntakeDeps {
  checks?: ReadinessCheck[];
  logger?: Logger;
}

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
