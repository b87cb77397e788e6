/**
 * The delivery service (deliveries, inboxes, receipts, statuses and recall). Load order is the layout: external clients →
 * repositories and rules → routes. For now: the shared kit only.
 */
import { createServiceApp } from '@lienthong/service';
import type { Logger, ReadinessCheck, ServiceApp } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import type { DeliveryConfig } from './config.ts';

/** What the delivery app is given from outside (later: pool, bus, store). */
export interface DeliveryDeps {
  checks?: ReadinessCheck[];
  logger?: Logger;
}

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
