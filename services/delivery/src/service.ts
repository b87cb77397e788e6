/** The delivery service as one definition: what `server.ts` runs and `npm start` embeds. */
import type { ServiceDefinition } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadDeliveryConfig } from './config.ts';
import type { DeliveryConfig } from './config.ts';
import { deliveryMigrations } from './migrations.ts';

export const deliveryService: ServiceDefinition<DeliveryConfig> = {
  name: 'delivery',
  version: pkg.version,
  loadConfig: loadDeliveryConfig,
  migrations: deliveryMigrations,
  buildApp,
};
