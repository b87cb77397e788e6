/** Entry point: `node services/delivery/src/server.ts`. */
import { runService } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadDeliveryConfig } from './config.ts';

await runService({
  name: 'delivery',
  version: pkg.version,
  env: process.env,
  loadConfig: loadDeliveryConfig,
  buildApp: (config) => buildApp(config),
});
