/** Entry point: `node services/archive/src/server.ts`. */
import { runService } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadArchiveConfig } from './config.ts';

await runService({
  name: 'archive',
  version: pkg.version,
  env: process.env,
  loadConfig: loadArchiveConfig,
  buildApp: (config) => buildApp(config),
});
