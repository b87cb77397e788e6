/** Entry point: `node services/intake/src/server.ts`. */
import { runService } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadIntakeConfig } from './config.ts';

await runService({
  name: 'intake',
  version: pkg.version,
  env: process.env,
  loadConfig: loadIntakeConfig,
  buildApp: (config) => buildApp(config),
});
