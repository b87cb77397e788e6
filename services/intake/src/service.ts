/** The intake service as one definition: what `server.ts` runs and `npm start` embeds. */
import type { ServiceDefinition } from '@lienthong/service';
import pkg from '../package.json' with { type: 'json' };
import { buildApp } from './app.ts';
import { loadIntakeConfig } from './config.ts';
import type { IntakeConfig } from './config.ts';
import { intakeMigrations } from './migrations.ts';

export const intakeService: ServiceDefinition<IntakeConfig> = {
  name: 'intake',
  version: pkg.version,
  loadConfig: loadIntakeConfig,
  migrations: intakeMigrations,
  buildApp,
};
