export { buildApp } from './app.ts';
export type { DeliveryDeps } from './app.ts';
export { deliveryConfigSchema, loadDeliveryConfig } from './config.ts';
export type { DeliveryConfig } from './config.ts';
export { deliveryErrors } from './errors.ts';
export { deliveryService } from './service.ts';
export { deliveryMigrations } from './migrations.ts';
