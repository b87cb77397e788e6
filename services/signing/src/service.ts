/** The signing service as one definition: what `server.ts` runs and `npm start` embeds. */
import type { ServiceDefinition } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadSigningConfig } from './config.ts';
import type { SigningConfig } from './config.ts';
import { signingMigrations } from './migrations.ts';

export const signingService: ServiceDefinition<SigningConfig> = {
  name: 'signing',
  version: pkg.version,
  loadConfig: loadSigningConfig,
  migrations: signingMigrations,
  buildApp,
};
