/** Entry point: `node services/signing/src/server.ts`. */
import { runService } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadSigningConfig } from './config.ts';

await runService({
  name: 'signing',
  version: pkg.version,
  env: process.env,
  loadConfig: loadSigningConfig,
  buildApp: (config) => buildApp(config),
});
