/**
 * The delivery service (deliveries, inboxes, receipts, statuses and recall). Load order is the layout: external clients (the platform:
 * database, bus, object store) → repositories and rules → routes. For now: the shared kit.
 */
import { createServiceApp } from '@lienthong/service';
import type { ServiceApp, ServiceDeps } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { DeliveryConfig } from './config.ts';

/** What the delivery app is given from outside. */
export type DeliveryDeps = ServiceDeps;

/** Builds the delivery app; the caller listens (server.ts) or injects (tests) and closes it. */
export async function buildApp(config: DeliveryConfig, deps: DeliveryDeps = {}): Promise<ServiceApp> {
  return createServiceApp({
    name: 'delivery',
    version: pkg.version,
    config,
    description: 'lienthong delivery: deliveries, inboxes, receipts, statuses and recall.',
    ...deps,
  });
}
