export { buildApp } from './app.ts';
export type { DeliveryDeps } from './app.ts';
export { deliveryConfigSchema, loadDeliveryConfig } from './config.ts';
export type { DeliveryConfig } from './config.ts';
